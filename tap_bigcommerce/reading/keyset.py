"""Keyset pagers: a window's records by ascending id, in parallel id ranges when large.

Page numbers shift when a record is created, edited or deleted during the read, and a
record at a page edge is then lost for good; a keyset (`id > last id read`) cannot
shift (DESIGN §3). The first page is read from the low end of the window and, if it is
full, one page from the high end (in a first sync, asked for at the same time); both are
records the sync needs anyway. The ids between are split into as many ranges as the
quota needs read at once, each of several pages, so that the ranges' partly filled last
pages cost little and a small window costs exactly the pages it needs; as ranges finish,
the largest left is split again for another reader (`ranges`).

The v2 and v3 lists differ only in how a range is asked for (`V2Keyset`, `V3Keyset`).
"""

from __future__ import annotations

import abc
import functools
import typing as t
from collections.abc import Iterator, Mapping

from typing_extensions import override

from tap_bigcommerce.errors import InvalidResponseError
from tap_bigcommerce.reading.cursor import v2_window_params, window_params
from tap_bigcommerce.reading.pager import VerifiedPager
from tap_bigcommerce.reading.pages import (
    PAGE_SIZE,
    Page,
    PageSource,
    abandon,
    expect_list,
    expect_v3,
    opening,
    opening_call,
)
from tap_bigcommerce.reading.parallel import GrowingMerge
from tap_bigcommerce.reading.ranges import Density, Span, split_id_range, steal
from tap_bigcommerce.reading.verify import Tally, check_keyset_page, total_of

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.checkpoint import Position, Section
    from tap_bigcommerce.reading.windows import Window

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
        spans = {key: Span(key, after, up_to) for key, after, up_to in bounded}
        density = Density()
        workers = source.store.max_workers
        with GrowingMerge[tuple[int, Page, "Position | None"]](
            workers=workers if len(spans) > 1 else 1,
            buffer=QUEUED_PAGES,
            wanted=source.store.parallel_parts,
        ) as merge:
            for span in spans.values():
                merge.submit(functools.partial(self._range_pages, source, window, span))
            for key, page, position in merge:
                if page:
                    yield page
                span = spans[key]
                position = span.clamp(position)
                marks.move(key, position, records=len(page))
                density.see(page)
                if position is None:
                    del spans[key]
                elif workers > 1 and merge.busy < source.store.parts_needed():
                    thief = steal(spans.values(), density)
                    if thief is not None:
                        victim = spans[thief.key]
                        thief_key = marks.add([thief.after, thief.up_to])
                        marks.narrow(victim.key, [victim.written, victim.up_to])
                        spans[thief_key] = Span(thief_key, thief.after, thief.up_to)
                        merge.submit(
                            functools.partial(self._range_pages, source, window, spans[thief_key])
                        )

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
        """Ids above `after_id`: a page from each end, then the ids between as ranges.

        In a first sync (a window open below: most likely the store's whole history) the
        high-end page is asked for with the first one, not after it, so the ranges start
        a round trip sooner; a list that fits in one page pays that one request more.
        """
        # The window's total comes with its first page (v3), not with a resumed one's.
        fresh = after_id == 0 and marks.resumed is None
        pool = source.store.child_pool
        early = None
        if fresh and window.start is None and pool is not None:
            early = pool.submit(
                opening_call(self.fetch_range), source, window, after_id, None, descending=True
            )
        try:
            with opening():
                first = self.fetch_range(
                    source, window, after_id, None, tally=tally if fresh else None
                )
            if first:
                yield first
            if len(first) < PAGE_SIZE:
                marks.move(key, None, records=len(first))
                return
            low = int(first[-1]["id"])
            marks.move(key, [low, None], records=len(first))
            if early is not None:
                # Asked for before the first page came: what it holds of that page is left out.
                last = [record for record in early.result() if int(record["id"]) > low]
            else:
                with opening():
                    last = self.fetch_range(source, window, low, None, descending=True)
        finally:
            if early is not None:
                abandon(early, source)
        if last:
            yield last
        if len(last) < PAGE_SIZE:
            marks.move(key, None, records=len(last))
            return  # the high-end page reached down to the first page: all read
        high = min(int(record["id"]) for record in last)
        # As many ranges as the quota needs read at once, no more: each ends on a partly
        # filled page, and those that finish early give way to splits of the rest (`steal`).
        ranges = split_id_range(low, high - 1, first, last, workers=source.store.parts_needed())
        marks.read += len(last)
        new_keys = marks.replace(key, [[after, up_to] for after, up_to in ranges])
        bounded.extend(
            (new_key, after, up_to)
            for new_key, (after, up_to) in zip(new_keys, ranges, strict=True)
        )

    def _range_pages(
        self, source: PageSource, window: Window, span: Span
    ) -> Iterator[tuple[int, Page, Position | None]]:
        """A range's pages, each with the range's position after it (None: read to its
        end). The range may be narrowed while it is read (`steal`): it ends where it
        ends now, a page that reached past that holding records the new range reads too."""
        while True:
            after_id, up_to_id = span.next()
            if after_id >= up_to_id:
                yield span.key, [], None
                return
            page = self.fetch_range(source, window, after_id, up_to_id)
            position = span.advance(page)
            yield span.key, page, position
            if position is None:
                return

    @override
    def count(self, source: PageSource, window: Window | None) -> int | None:
        """The API's count of the window now (a resumed read is checked whole, too)."""
        assert window is not None, "keyset pagers read a window"
        return self.count_window(source, window)

    def count_window(self, source: PageSource, window: Window) -> int | None:
        """The API's count of the window's records; None where the list has no count."""
        del source, window
        return None


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
        early = pool.submit(opening_call(self.count_window), source, window)
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
