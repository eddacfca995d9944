"""Cursor pagers: v3 lists paged by `after=end_cursor` (customers, metafields, codes).

A cursor is a keyset kept by the server: records created or edited while the list is
read cannot shift another record out of the pages still to come, which page numbers
would (DESIGN §3). `cursor_pages` is the loop, `read_cursor_pages` the same for
per-parent cursor lists; `subwindows.V3Cursor` reads a `date_modified` window of such
a list in parallel parts.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, Mapping

from tap_bigcommerce.dates import format_timestamp
from tap_bigcommerce.reading.pages import PAGE_SIZE, Page, PageSource, expect_v3
from tap_bigcommerce.reading.verify import check_page, total_of

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.windows import Window


def window_params(window: Window, field: str = "date_modified") -> dict[str, t.Any]:
    """The v3 filters (`field:min`, `field:max`, inclusive) that select a window."""
    params: dict[str, t.Any] = {f"{field}:max": format_timestamp(window.end)}
    if window.start is not None:
        params[f"{field}:min"] = format_timestamp(window.start)
    return params


def v2_window_params(window: Window) -> dict[str, t.Any]:
    """The v2 filters (`min_date_modified`, `max_date_modified`, inclusive) that select a window."""
    params: dict[str, t.Any] = {"max_date_modified": format_timestamp(window.end)}
    if window.start is not None:
        params["min_date_modified"] = format_timestamp(window.start)
    return params


def cursor_pages(
    source: PageSource,
    path: str,
    params: Mapping[str, t.Any] | None = None,
    *,
    typed: bool = False,
    after: str | None = None,
) -> Iterator[tuple[Page, str | None, int | None]]:
    """A v3 cursor list's pages, each with the cursor after it (None after the last) and,
    for the first page read, the list's total (else None)."""
    base = {**(params or {}), "limit": PAGE_SIZE}
    check = check_page(PAGE_SIZE)
    cursor = after
    first = True
    while True:
        body = source.get(
            base if cursor is None else {**base, "after": cursor},
            path=path,
            typed=typed,
            check=check,
        )
        page, pagination = expect_v3(body, source)
        total = total_of(pagination) if first else None
        first = False
        cursor_meta = ((body or {}).get("meta") or {}).get("cursor_pagination") or {}
        next_cursor = cursor_meta.get("end_cursor")
        has_next = bool((cursor_meta.get("links") or {}).get("next"))
        if not page or not has_next or not next_cursor or next_cursor == cursor:
            yield page, None, total
            return
        yield page, next_cursor, total
        cursor = next_cursor


def read_cursor_pages(
    source: PageSource,
    path: str,
    params: Mapping[str, t.Any] | None = None,
    *,
    typed: bool = False,
    on_total: t.Callable[[int | None], None] | None = None,
) -> Iterator[Page]:
    """Every page of a v3 cursor list, 250 per page; `on_total` gets the first page's total."""
    for page, _cursor, total in cursor_pages(source, path, params, typed=typed):
        if on_total is not None and total is not None:
            on_total(total)
            on_total = None
        if page:
            yield page
