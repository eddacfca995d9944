"""One-request pagers: an endpoint that returns one object, or a list the API does not page.

Some lists declare no paging parameters in BigCommerce's specs (`/v2/order_statuses`,
`/v3/catalog/trees`, an order's transactions): the API answers the whole list at once,
and a `page`/`limit` it does not document might be ignored, or honoured differently, by
a real store. They are read in one request, and a v3 answer whose own count says it
holds more than it returned fails the run rather than dropping the rest.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator

from typing_extensions import override

from tap_bigcommerce.errors import BigCommerceError, InvalidResponseError
from tap_bigcommerce.reading.pager import Pager, VerifiedPager
from tap_bigcommerce.reading.pages import Page, PageSource, expect_list, expect_v3, is_v3
from tap_bigcommerce.reading.verify import Tally, total_of

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.windows import Window


class Singleton(Pager):
    """An endpoint that returns one object (the store's profile): one record, one request."""

    cost = "1"

    @override
    def pages(self, source: PageSource, window: Window | None) -> Iterator[Page]:
        body = source.get()
        if not isinstance(body, dict):
            raise BigCommerceError(
                f"Stream '{source.name}': expected a JSON object from {source.path}, "
                f"got {type(body).__name__}."
            )
        yield [body]


def read_whole_list(
    source: PageSource, path: str | None = None, *, typed: bool = False, tally: Tally | None = None
) -> Iterator[Page]:
    """An unpaged list (v2 or v3) in its one request; `tally` takes a v3 list's count."""
    path = path or source.path
    body = source.get(path=path, typed=typed)
    if not is_v3(path):
        page = expect_list(body, source)
    else:
        page, pagination = expect_v3(body, source)
        total = total_of(pagination)
        if total is not None and total > len(page):
            raise InvalidResponseError(
                f"GET {path} returned {len(page)} records but counts {total}, and the API "
                "documents no paging for it to read the rest"
            )
        if tally is not None:
            tally.expect(total)
    if page:
        yield page


class Unpaged(VerifiedPager):
    """A list the API answers whole, without paging parameters (see the module docstring)."""

    cost = "1"
    repeats = True  # nothing to repeat, but the count is of distinct records like a full list

    @override
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        yield from read_whole_list(source, typed=True, tally=tally)
