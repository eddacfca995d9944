"""Page-numbered pagers, for lists where page numbers cannot lose a record.

Page numbers shift when records are created or deleted during the read, which could
skip a record at a page edge. They are used only where that is caught or impossible:

* `FullTablePages`: a list read whole. A v3 list states its total on every page; if
  it changes mid-read, the list is read again (duplicates are harmless, targets
  de-duplicate on the primary key; losses are not).
* `CreatedWindow`: records that never change once created (refunds), by `created`
  window: the window is closed at the store's clock, so nothing enters, leaves or moves
  inside it while it is read.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator

from typing_extensions import override

from tap_bigcommerce.errors import BigCommerceError
from tap_bigcommerce.reading.cursor import window_params
from tap_bigcommerce.reading.pager import VerifiedPager
from tap_bigcommerce.reading.pages import (
    PAGE_SIZE,
    Page,
    PageSource,
    expect_list,
    expect_v3,
    is_v3,
)
from tap_bigcommerce.reading.verify import Tally, check_page, total_of

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.windows import Window

PAGE_NUMBER_ATTEMPTS = 3


class ListChangedError(BigCommerceError):
    """A page-numbered list changed size while it was read, more often than we retry."""


def read_numbered_pages(
    source: PageSource,
    path: str | None = None,
    *,
    typed: bool = False,
    tally: Tally | None = None,
) -> Iterator[Page]:
    """Every page of a full list, v2 or v3, at 250 per page (see the module docstring).

    `tally` takes the v3 list's total, against which the read is checked.
    """
    path = path or source.path
    check = check_page(PAGE_SIZE)
    for _attempt in range(PAGE_NUMBER_ATTEMPTS):
        total: int | None = None
        changed = False
        page_number = 1
        while True:
            body = source.get(
                {"page": page_number, "limit": PAGE_SIZE}, path=path, typed=typed, check=check
            )
            if is_v3(path):
                page, pagination = expect_v3(body, source)
                if total is None:
                    total = pagination.get("total")
                    if tally is not None:
                        tally.expected = total_of(pagination)
                elif pagination.get("total") != total:
                    changed = True
                    break
                if page:
                    yield page
                if not page or pagination.get("total_pages", 1) <= page_number:
                    return
            else:
                page = expect_list(body, source)
                if page:
                    yield page
                if len(page) < PAGE_SIZE:
                    return
            page_number += 1
        if changed:
            source.logger.info(
                "Stream '%s': %s changed size while read; reading it again.", source.name, path
            )
    raise ListChangedError(
        f"Stream '{source.name}': {path} kept changing size while it was read "
        f"({PAGE_NUMBER_ATTEMPTS} attempts). Run the sync again when the store is quieter."
    )


class FullTablePages(VerifiedPager):
    """A list read whole on every run (small, or without a modification date to filter on).

    A v3 list is checked against its total; a v2 list has none to check against.
    """

    repeats = True  # a record may shift across a page edge and come twice

    @override
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        yield from read_numbered_pages(source, typed=True, tally=tally)


class CreatedWindow(VerifiedPager):
    """A v3 list of immutable records read by `created` window (`created:min/max`)."""

    replication_key = "created"
    cost = "1 per 250 records created in the window (at least 1)"

    @override
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        assert window is not None, "CreatedWindow reads a window"
        params = window_params(window, "created")
        check = check_page(PAGE_SIZE)
        page_number = 1
        while True:
            body = source.get(
                {**params, "page": page_number, "limit": PAGE_SIZE}, typed=True, check=check
            )
            page, pagination = expect_v3(body, source)
            if page_number == 1:
                tally.expect(total_of(pagination))
            if page:
                yield page
            if not page or pagination.get("total_pages", 1) <= page_number:
                return
            page_number += 1
