"""Cursor pagers: v3 lists paged by `after=end_cursor` (customers, metafields, codes).

A cursor is a keyset kept by the server: records created or edited while the list is
read cannot shift another record out of the pages still to come, which page numbers
would (DESIGN §3). `V3Cursor` reads a `date_modified` window of such a list;
`read_cursor_pages` is the loop, also used for per-parent cursor lists.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, Mapping

from typing_extensions import override

from tap_bigcommerce.dates import format_timestamp
from tap_bigcommerce.reading.pager import VerifiedPager
from tap_bigcommerce.reading.pages import PAGE_SIZE, Page, PageSource, expect_v3
from tap_bigcommerce.reading.verify import Tally, check_page, total_of

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.windows import Window


def window_params(window: Window, field: str = "date_modified") -> dict[str, t.Any]:
    """The v3 filters (`field:min`, `field:max`, inclusive) that select a window."""
    params: dict[str, t.Any] = {f"{field}:max": format_timestamp(window.end)}
    if window.start is not None:
        params[f"{field}:min"] = format_timestamp(window.start)
    return params


def read_cursor_pages(
    source: PageSource,
    path: str,
    params: Mapping[str, t.Any] | None = None,
    *,
    typed: bool = False,
    on_total: t.Callable[[int | None], None] | None = None,
) -> Iterator[Page]:
    """Every page of a v3 cursor list, 250 per page; `on_total` gets the first page's total."""
    base = {**(params or {}), "limit": PAGE_SIZE}
    check = check_page(PAGE_SIZE)
    cursor: str | None = None
    while True:
        body = source.get(
            base if cursor is None else {**base, "after": cursor},
            path=path,
            typed=typed,
            check=check,
        )
        page, pagination = expect_v3(body, source)
        if cursor is None and on_total is not None:
            on_total(total_of(pagination))
        cursor_meta = ((body or {}).get("meta") or {}).get("cursor_pagination") or {}
        if page:
            yield page
        next_cursor = cursor_meta.get("end_cursor")
        has_next = bool((cursor_meta.get("links") or {}).get("next"))
        if not page or not has_next or not next_cursor or next_cursor == cursor:
            return
        cursor = next_cursor


class V3Cursor(VerifiedPager):
    """A `date_modified` window of a v3 cursor list, read from its first page to its last."""

    replication_key = "date_modified"
    cost = "1 per 250 changed records (at least 1)"
    repeats = True  # a cursor's order is the server's: distinct records are counted

    def __init__(self, *, include: str | None = None) -> None:
        self.include = include

    @override
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        assert window is not None, "V3Cursor reads a window"
        params = window_params(window)
        if self.include:
            params["include"] = self.include
        yield from read_cursor_pages(source, source.path, params, typed=True, on_total=tally.expect)

    @override
    def count(self, source: PageSource, window: Window | None) -> int | None:
        assert window is not None, "V3Cursor reads a window"
        _, pagination = expect_v3(source.get({**window_params(window), "limit": 1}), source)
        return total_of(pagination)
