"""Keyset pagers: a window's records by ascending id, in parallel id ranges when large.

Page numbers shift when a record is created, edited or deleted during the read, and a
record at a page edge is then lost for good; a keyset (`id > last id read`) cannot
shift (DESIGN §3). The first page is read from the low end of the window and, if it is
full, one page from the high end; both are records the sync needs anyway. The ids
between are split into ranges read concurrently (each by keyset), but only when each
range holds several pages, so that the ranges' partly filled last pages cost little and
a small window costs exactly the pages it needs.

The v2 and v3 lists differ only in how a range is asked for (`V2Keyset`, `V3Keyset`).
"""

from __future__ import annotations

import abc
import functools
import typing as t
from collections.abc import Iterator, Mapping, Sequence

from typing_extensions import override

from tap_bigcommerce.dates import format_timestamp
from tap_bigcommerce.errors import InvalidResponseError
from tap_bigcommerce.reading.cursor import window_params
from tap_bigcommerce.reading.pager import Pager, VerifiedPager
from tap_bigcommerce.reading.pages import PAGE_SIZE, Page, PageSource, expect_list, expect_v3
from tap_bigcommerce.reading.parallel import merge_concurrently
from tap_bigcommerce.reading.verify import Tally, check_keyset_page, total_of

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.windows import Window

MIN_PAGES_PER_RANGE = 4
QUEUED_PAGES = 2
"""Pages waiting for the main thread: a page of orders with line items is several MB."""


class KeysetPager(VerifiedPager):
    """A `date_modified` window read by keyset on id (see the module docstring)."""

    replication_key = "date_modified"
    cost = "1 per 250 changed records (at least 1)"

    def __init__(self, params: Mapping[str, str] | None = None) -> None:
        self.params = dict(params or {})
        """Sent with every request (includes, structure options)."""

    @abc.abstractmethod
    def fetch_range(
        self,
        source: PageSource,
        window: Window,
        after_id: int,
        up_to_id: int | None,
        *,
        descending: bool = False,
        tally: Tally | None = None,
    ) -> Page:
        """One page of the window's records with `after_id < id <= up_to_id`.

        Checked (`verify.check_keyset_page`): a page with ids outside the range or out
        of order would move the keyset past records never read. `tally`, on the
        window's first page, takes the API's total of the window.
        """

    @override
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        assert window is not None, "keyset pagers read a window"
        first = self.fetch_range(source, window, 0, None, tally=tally)
        if first:
            yield first
        if len(first) < PAGE_SIZE:
            return
        low = int(first[-1]["id"])
        last = self.fetch_range(source, window, low, None, descending=True)
        if last:
            yield last
        if len(last) < PAGE_SIZE:
            return  # the high-end page reached down to the first page: all read
        high = min(int(record["id"]) for record in last)
        workers = source.store.max_workers
        ranges = split_id_range(low, high - 1, first, last, workers=workers)
        producers = [
            functools.partial(self._range_pages, source, window, after, up_to)
            for after, up_to in ranges
        ]
        yield from merge_concurrently(producers, workers=workers, buffer=QUEUED_PAGES)

    def _range_pages(
        self, source: PageSource, window: Window, after_id: int, up_to_id: int
    ) -> Iterator[Page]:
        while after_id < up_to_id:
            page = self.fetch_range(source, window, after_id, up_to_id)
            if page:
                yield page
            if len(page) < PAGE_SIZE:
                return
            after_id = int(page[-1]["id"])


def split_id_range(
    after_id: int,
    up_to_id: int,
    first: Sequence[Mapping[str, t.Any]],
    last: Sequence[Mapping[str, t.Any]],
    *,
    workers: int,
) -> list[tuple[int, int]]:
    """Split `(after_id, up_to_id]` into ranges worth reading concurrently.

    The density of ids seen in the first and last pages estimates how many pages
    the middle holds; each range gets at least MIN_PAGES_PER_RANGE of them, so the
    partly filled last page of each range adds at most a few percent of requests.
    """
    if up_to_id <= after_id:
        return []
    span_seen = 0
    for page in (first, last):
        ids = [int(record["id"]) for record in page]
        span_seen += max(ids) - min(ids) + 1
    density = (len(first) + len(last)) / max(span_seen, 1)
    estimated_pages = (up_to_id - after_id) * density / PAGE_SIZE
    count = max(1, min(workers, int(estimated_pages // MIN_PAGES_PER_RANGE)))
    step = (up_to_id - after_id) / count
    bounds = [after_id + round(step * i) for i in range(count)] + [up_to_id]
    return [(bounds[i], bounds[i + 1]) for i in range(count) if bounds[i + 1] > bounds[i]]


class V2Keyset(KeysetPager):
    """A v2 list (bare arrays, 204 past the end): `min_id`/`max_id`, `sort=id:asc`.

    `counted`: the list has a `/count` endpoint taking the same date filters, which
    checks the window (`verify`); one request per window.
    """

    def __init__(self, params: Mapping[str, str] | None = None, *, counted: bool = True) -> None:
        super().__init__(params)
        self.counted = counted

    @override
    def count(self, source: PageSource, window: Window | None) -> int | None:
        if not self.counted or window is None:
            return None
        params = {"max_date_modified": format_timestamp(window.end)}
        if window.start is not None:
            params["min_date_modified"] = format_timestamp(window.start)
        body = source.get(params, path=f"{source.path}/count")
        count = body.get("count") if isinstance(body, dict) else None
        if type(count) is not int:
            raise InvalidResponseError(
                f"GET {source.path}/count answered without a count ({type(body).__name__})"
            )
        return count

    @override
    def fetch_range(
        self,
        source: PageSource,
        window: Window,
        after_id: int,
        up_to_id: int | None,
        *,
        descending: bool = False,
        tally: Tally | None = None,
    ) -> Page:
        params: dict[str, t.Any] = {
            **self.params,
            "max_date_modified": format_timestamp(window.end),
            "sort": "id:desc" if descending else "id:asc",
            "limit": PAGE_SIZE,
            "min_id": after_id + 1,
        }
        if window.start is not None:
            params["min_date_modified"] = format_timestamp(window.start)
        if up_to_id is not None:
            params["max_id"] = up_to_id
        check = check_keyset_page(PAGE_SIZE, after_id, up_to_id, descending=descending)
        return expect_list(source.get(params, typed=True, check=check), source)


class V3Keyset(KeysetPager):
    """A v3 list (`data` + `meta.pagination`): `id:greater`/`id:max`, `sort=id`."""

    def __init__(self, *, include: str | None = None) -> None:
        super().__init__({"include": include} if include else None)

    @override
    def count(self, source: PageSource, window: Window | None) -> int | None:
        assert window is not None, "keyset pagers read a window"
        body = source.get({**window_params(window), "limit": 1})
        _, pagination = expect_v3(body, source)
        return total_of(pagination)

    @override
    def fetch_range(
        self,
        source: PageSource,
        window: Window,
        after_id: int,
        up_to_id: int | None,
        *,
        descending: bool = False,
        tally: Tally | None = None,
    ) -> Page:
        params: dict[str, t.Any] = {
            "date_modified:max": format_timestamp(window.end),
            "sort": "id",
            "direction": "desc" if descending else "asc",
            "limit": PAGE_SIZE,
            "id:greater": after_id,
        }
        if window.start is not None:
            params["date_modified:min"] = format_timestamp(window.start)
        if up_to_id is not None:
            params["id:max"] = up_to_id
        params.update(self.params)
        check = check_keyset_page(PAGE_SIZE, after_id, up_to_id, descending=descending)
        page, pagination = expect_v3(source.get(params, typed=True, check=check), source)
        if tally is not None:
            tally.expect(total_of(pagination))
        return page


class WithDeleted(Pager):
    """A v2 keyset list, then the same window again with `is_deleted=true` (orders).

    BigCommerce keeps deleted (archived) orders out of the plain list; the second pass
    emits them with `is_deleted: true`, so a warehouse can mark or drop them. It costs
    one request when nothing was deleted. Their children are not read (they are gone).
    """

    replication_key = "date_modified"
    cost = "1 per 250 changed records + 1 per 250 deleted (at least 2)"

    def __init__(self, live: V2Keyset) -> None:
        self.live = live
        # `/count` takes no `is_deleted`: the deleted pass cannot be counted.
        self.deleted = V2Keyset({**live.params, "is_deleted": "true"}, counted=False)

    @override
    def pages(self, source: PageSource, window: Window | None) -> Iterator[Page]:
        yield from self.live.pages(source, window)
        for page in self.deleted.pages(source, window):
            for record in page:
                record["is_deleted"] = True
            yield page
