"""Pagers for lists that do not page the family's way: unpaged lists and offset pages.

BigCommerce's specs declare, endpoint by endpoint, how a list pages (DESIGN §2: read each
endpoint's spec, not the family's habit):

* `Unpaged`: lists that take no `page` or `limit` (shipping zones, blog tags, tax zones,
  themes, order statuses, category trees...): one request returns every record. Paging
  them by number would be wrong as well as wasteful: a v2 list that ignores `page`
  never answers 204, so a full first page would be asked for again and again.
  `unpaged` is the same read for a per-parent list (a zone's shipping methods).
* `OffsetPages`: `/v3/sites`, whose `meta.pagination` is `{offset, limit, total_items}`
  rather than the usual `{total, total_pages, ...}`; read by page number until the
  offset reaches the total, and checked against that total.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator

from typing_extensions import override

from tap_bigcommerce.errors import InvalidResponseError
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


def read_unpaged(
    source: PageSource, path: str | None = None, *, typed: bool = False, tally: Tally | None = None
) -> Page:
    """Every record of a list that has no paging: one GET, no `page` or `limit`.

    A v3 answer whose own count says it holds more than it returned fails the run
    rather than dropping the rest; `tally` takes that count.
    """
    path = path or source.path
    body = source.get(None, path=path, typed=typed)
    if not is_v3(path):
        return expect_list(body, source)
    page, pagination = expect_v3(body, source)
    total = total_of(pagination)
    if total is not None and total > len(page):
        raise InvalidResponseError(
            f"GET {path} returned {len(page)} records but counts {total}, and the API "
            "documents no paging for it to read the rest"
        )
    if tally is not None:
        tally.expect(total)
    return page


def unpaged(source: PageSource, path: str) -> Iterator[Page]:
    """A per-parent list without paging (`PerParent(paging=unpaged)`)."""
    page = read_unpaged(source, path)
    if page:
        yield page


class Unpaged(VerifiedPager):
    """A list the API returns whole in one answer (its spec declares no paging)."""

    cost = "1"
    repeats = True  # counted by distinct keys, like a full list

    @override
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        page = read_unpaged(source, typed=True, tally=tally)
        if page:
            yield page


class OffsetPages(VerifiedPager):
    """A v3 list paged by number whose meta counts by offset (`/v3/sites`).

    The first page's `total_items` is the count the read is checked against; a total
    that changes between pages means the list changed under the read, which the
    check then catches (the list is read again).
    """

    repeats = True  # page numbers may shift a record across a page edge

    @override
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        check = check_page(PAGE_SIZE)
        page_number, seen = 1, 0
        while True:
            body = source.get({"page": page_number, "limit": PAGE_SIZE}, typed=True, check=check)
            page, pagination = expect_v3(body, source)
            total = pagination.get("total_items")
            if page_number == 1:
                tally.expect(total if type(total) is int else None)
            if page:
                yield page
            seen += len(page)
            offset = pagination.get("offset")
            reached = (offset if type(offset) is int else seen - len(page)) + len(page)
            if len(page) < PAGE_SIZE or (type(total) is int and reached >= total):
                return
            page_number += 1
