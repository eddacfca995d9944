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

from tap_bigcommerce.errors import InvalidResponseError
from tap_bigcommerce.reading.cursor import v2_window_params, window_params
from tap_bigcommerce.reading.pager import Pager, VerifiedPager
from tap_bigcommerce.reading.pages import PAGE_SIZE, Page, PageSource, expect_list, expect_v3
from tap_bigcommerce.reading.parallel import merge_concurrently
from tap_bigcommerce.reading.verify import Tally, check_keyset_page, total_of

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.checkpoint import Position, Section
    from tap_bigcommerce.reading.windows import Window

MIN_PAGES_PER_RANGE = 2
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

    section = "ids"

    @override
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        """The window's records by keyset, each part's position checkpointed once written.

        Code after each `yield` runs when the consumer asks for the next page, that is
        once the page before it (and its children) is on stdout: only then may the
        checkpoint say the part is past it.
        """
        assert window is not None, "keyset pagers read a window"
        marks = window.checkpoint.section(self.section)
        starts = marks.starting([0, None])
        keys = marks.plan(starts)
        bounded: list[tuple[int, int, int]] = []
        for key, (after_id, up_to_id) in zip(keys, starts, strict=True):
            if up_to_id is None:
                yield from self._open_ended(
                    source, window, tally, marks, key, int(after_id), bounded
                )
            else:
                bounded.append((key, int(after_id), int(up_to_id)))
        if not bounded:
            return
        workers = source.store.max_workers
        producers = [
            functools.partial(self._range_pages, source, window, key, after, up_to)
            for key, after, up_to in bounded
        ]
        for key, page, position in merge_concurrently(
            producers, workers=workers, buffer=QUEUED_PAGES
        ):
            if page:
                yield page
            marks.move(key, position, records=len(page))

    def _open_ended(
        self,
        source: PageSource,
        window: Window,
        tally: Tally,
        marks: Section,
        key: int,
        after_id: int,
        bounded: list[tuple[int, int, int]],
    ) -> Iterator[Page]:
        """Ids above `after_id`: a page from each end, then the ids between as ranges."""
        # The window's total comes with its first page (v3), not with a resumed one's.
        fresh = after_id == 0 and marks.resumed is None
        first = self.fetch_range(source, window, after_id, None, tally=tally if fresh else None)
        if first:
            yield first
        if len(first) < PAGE_SIZE:
            marks.move(key, None, records=len(first))
            return
        low = int(first[-1]["id"])
        marks.move(key, [low, None], records=len(first))
        last = self.fetch_range(source, window, low, None, descending=True)
        if last:
            yield last
        if len(last) < PAGE_SIZE:
            marks.move(key, None, records=len(last))
            return  # the high-end page reached down to the first page: all read
        high = min(int(record["id"]) for record in last)
        ranges = split_id_range(low, high - 1, first, last, workers=source.store.parallel_parts())
        marks.read += len(last)
        new_keys = marks.replace(key, [[after, up_to] for after, up_to in ranges])
        bounded.extend(
            (new_key, after, up_to)
            for new_key, (after, up_to) in zip(new_keys, ranges, strict=True)
        )

    def _range_pages(
        self, source: PageSource, window: Window, key: int, after_id: int, up_to_id: int
    ) -> Iterator[tuple[int, Page, Position | None]]:
        """A range's pages, each with the range's position after it (None: read to its end)."""
        while after_id < up_to_id:
            page = self.fetch_range(source, window, after_id, up_to_id)
            if len(page) < PAGE_SIZE:
                yield key, page, None
                return
            after_id = int(page[-1]["id"])
            yield key, page, [after_id, up_to_id]
        yield key, [], None

    @override
    def count(self, source: PageSource, window: Window | None) -> int | None:
        """The API's count of the window now (a resumed read is checked whole, too)."""
        assert window is not None, "keyset pagers read a window"
        return self.count_window(source, window)

    def count_window(self, source: PageSource, window: Window) -> int | None:
        """The API's count of the window's records; None where the list has no count."""
        del source, window
        return None


def split_id_range(
    after_id: int,
    up_to_id: int,
    first: Sequence[Mapping[str, t.Any]],
    last: Sequence[Mapping[str, t.Any]],
    *,
    workers: int,
    min_pages: int = MIN_PAGES_PER_RANGE,
) -> list[tuple[int, int]]:
    """Split `(after_id, up_to_id]` into ranges worth reading concurrently.

    The density of ids seen in the first and last pages estimates how many pages
    the middle holds; each range gets at least `min_pages` of them, so the
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
    count = max(1, min(workers, int(estimated_pages // min_pages)))
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
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        """The keyset read, with the window's count asked for alongside its first pages.

        The count is needed at the end (`verify`); asked for at the start it costs the
        same request but no round trip of its own. The window is frozen, so records can
        only leave it while it is read: a count taken early is never too low, and if it is
        higher than what was read, `verify` asks again.
        """
        pool = source.store.child_pool
        if not self.counted or window is None or pool is None:
            yield from super().read(source, window, tally)
            return
        early = pool.submit(self.count_window, source, window)
        try:
            yield from super().read(source, window, tally)
        except BaseException:
            early.cancel()
            raise
        tally.expect(early.result())

    @override
    def count_window(self, source: PageSource, window: Window) -> int | None:
        if not self.counted:
            return None
        body = source.get(v2_window_params(window), path=f"{source.path}/count")
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
            **v2_window_params(window),
            "sort": "id:desc" if descending else "id:asc",
            "limit": PAGE_SIZE,
            "min_id": after_id + 1,
        }
        if up_to_id is not None:
            params["max_id"] = up_to_id
        check = check_keyset_page(PAGE_SIZE, after_id, up_to_id, descending=descending)
        return expect_list(source.get(params, typed=True, check=check), source)


class V3Keyset(KeysetPager):
    """A v3 list (`data` + `meta.pagination`): `id:greater`/`id:max`, `sort=id`."""

    def __init__(self, *, include: str | None = None) -> None:
        super().__init__({"include": include} if include else None)

    @override
    def count_window(self, source: PageSource, window: Window) -> int | None:
        _, pagination = expect_v3(source.get({**window_params(window), "limit": 1}), source)
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
            **window_params(window),
            "sort": "id",
            "direction": "desc" if descending else "asc",
            "limit": PAGE_SIZE,
            "id:greater": after_id,
        }
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
        self.deleted.section = "deleted"

    @override
    def pages(self, source: PageSource, window: Window | None) -> Iterator[Page]:
        yield from self.live.pages(source, window)
        for page in self.deleted.pages(source, window):
            for record in page:
                record["is_deleted"] = True
            yield page
