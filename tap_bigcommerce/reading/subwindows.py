"""A cursor list's window in date sub-windows, read concurrently, still exact.

A cursor list (customers) has no id filter, so its pages come one after another: one
request in flight, whatever the quota allows. But it filters on `date_modified:min/max`
(inclusive, to the second), so the frozen window can be tiled by sub-windows, each read
by its own cursor at the same time. A record edited during the sync leaves its
sub-window exactly as it leaves the window (its new date is after the window's end).

A fresh window is opened from both ends, as a keyset list is: its earliest page
(`sort=date_modified:asc`, which also counts the window) and, when there is more, its
latest (`:desc`); in a first sync both at once. Every record before the first page's
last date is in it, every one after the last page's last date in that one, so what is
left is the span between those two dates, however wide the window: it is tiled by as
many equal spans of time as it holds `PAGES_PER_PART` pages, up to as many as the quota
needs in flight at the store's response time (more only add partly filled last pages:
at 15 requests/s, 4 at 200 ms a page, 16 at a second), each read by its cursor. Records of the end
pages met again at the span's edges (a second they share) are dropped as the repeats
they are.

A part whose first page counts more than `SPLIT_ABOVE_PAGES` pages, and more than
`BUNCHED` times the pages it was cut to hold (a bulk import in one afternoon), puts that
page aside and splits the same way, recursively, where its records are; a span of one
second cannot be split and is read by its cursor. Each such split costs the one page
put aside.

Positions in the checkpoint (`reading.checkpoint`): `[min, max, cursor]` per part, the
cursor the one after the last page written (null: the part is not begun).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import typing as t
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from typing_extensions import override

from tap_bigcommerce.dates import format_timestamp, parse_timestamp
from tap_bigcommerce.errors import InvalidResponseError
from tap_bigcommerce.reading.cursor import cursor_pages, window_params
from tap_bigcommerce.reading.pager import VerifiedPager
from tap_bigcommerce.reading.pages import (
    PAGE_SIZE,
    Page,
    PageSource,
    abandon,
    expect_v3,
    opening_call,
)
from tap_bigcommerce.reading.parallel import GrowingMerge
from tap_bigcommerce.reading.verify import check_page, records_of, total_of

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.checkpoint import Position, Section
    from tap_bigcommerce.reading.verify import Tally
    from tap_bigcommerce.reading.windows import Window

SPLIT_ABOVE_PAGES = 4
"""A fresh part holding more pages than this (and than `BUNCHED` times its plan) is split."""
BUNCHED = 2
PAGES_PER_PART = 2
QUEUED_PAGES = 2
FIELD = "date_modified"


@dataclass(frozen=True)
class Part:
    """A sub-window `[low, high]` (inclusive, `low` None: open below) and where it stands."""

    low: dt.datetime | None
    high: dt.datetime
    cursor: str | None = None
    planned_pages: int | None = field(default=None, compare=False)
    """The pages it was cut to hold (None: not cut by a count, or resumed): one holding
    far more is where the records bunch, and is split again."""

    def params(self) -> dict[str, str]:
        params = {f"{FIELD}:max": format_timestamp(self.high)}
        if self.low is not None:
            params[f"{FIELD}:min"] = format_timestamp(self.low)
        return params

    def position(self, cursor: str | None = None) -> Position:
        low = format_timestamp(self.low) if self.low is not None else None
        return [low, format_timestamp(self.high), cursor]

    @classmethod
    def at(cls, position: Position) -> Part:
        low, high, cursor = position
        return cls(parse_timestamp(low) if low else None, parse_timestamp(high), cursor)


@dataclass(frozen=True)
class Split:
    """A producer's answer that its part is too large: these parts replace it."""

    key: int
    parts: list[Part]
    counted: bool
    """Whether the parts' totals count the window (not when its end pages did)."""


@dataclass(frozen=True)
class Ends:
    """The fresh window's earliest and latest pages, and the parts that tile what lies
    between them (none when the pages hold the whole window)."""

    key: int
    pages: list[Page]
    total: int | None
    parts: list[Part]


Item = tuple[int, Page, "Position | None", "int | None"] | Split | Ends


def split_part(part: Part, first_page: Page, total: int, *, most: int) -> list[Part]:
    """The part in equal spans of time, as many as it holds PAGES_PER_PART pages (≥ 2)."""
    dates = [_moment(r.get(FIELD)) for r in first_page if r.get(FIELD)]
    low = part.low if part.low is not None else (min(dates) if dates else None)
    if low is None:
        return [part]
    first = math.floor(low.timestamp())
    last = math.floor(part.high.timestamp())
    count = min(most, math.ceil(total / PAGE_SIZE / PAGES_PER_PART), last - first + 1)
    if count < 2:
        return [part]
    parts = _tiles(first, last, count, total)
    # The first part keeps the part's own start, open or not.
    return [replace(parts[0], low=part.low), *parts[1:]]


def _tiles(first: int, last: int, count: int, records: int) -> list[Part]:
    """`[first, last]` (whole seconds, inclusive) in `count` equal spans of time, each
    planned to hold its share of `records` (see `Part.planned_pages`)."""
    step = (last - first + 1) / count
    starts = [first + round(step * i) for i in range(count)]
    ends = [*(s - 1 for s in starts[1:]), last]
    planned = math.ceil(records / PAGE_SIZE / count)
    return [Part(_at(a), _at(b), planned_pages=planned) for a, b in zip(starts, ends, strict=True)]


def _moment(value: t.Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else parse_timestamp(str(value))


def _at(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


def between_ends(first: Page, last: Page, total: int, *, most: int) -> list[Part]:
    """The parts tiling what the window's earliest (`first`) and latest (`last`) pages
    leave between them: `[first's last date, last's last date]`, inclusive, in equal
    spans of time, as many as it holds PAGES_PER_PART pages, at most `most` (the parts
    the quota needs in flight: more only add partly filled last pages); empty: nothing
    is left."""
    low = max(_moment(r.get(FIELD)) for r in first)
    high = min(_moment(r.get(FIELD)) for r in last)
    if low > high:
        return []  # the two pages overlap: together they are the window
    left = max(total - len(first) - len(last), 1)
    start, end = math.floor(low.timestamp()), math.floor(high.timestamp())
    count = max(1, min(most, math.ceil(left / PAGE_SIZE / PAGES_PER_PART), end - start + 1))
    return _tiles(start, end, count, left)


def _split_above(part: Part) -> int:
    """Pages above which a fresh part is split: a part cut to hold many pages (few parts
    keep the quota busy at a quick store) is split only where the records bunch; each
    split costs the page put aside."""
    if part.planned_pages is None:
        return SPLIT_ABOVE_PAGES
    return max(SPLIT_ABOVE_PAGES, BUNCHED * part.planned_pages)


class SubWindows:
    """One read of a cursor list's window by sub-windows (see the module docstring)."""

    def __init__(
        self,
        source: PageSource,
        params: dict[str, t.Any],
        marks: Section,
        tally: Tally,
        *,
        from_ends: bool,
    ) -> None:
        self.source = source
        self.params = params
        self.marks = marks
        self.tally = tally
        self.from_ends = from_ends
        self.most = source.store.parallel_parts()

    def pages(self, window: Window) -> Iterator[Page]:
        whole = Part(window.start, window.end)
        resumed = self.marks.resumed
        starts = [Part.at(p) for p in self.marks.starting(whole.position())]
        keys = self.marks.plan([part.position(part.cursor) for part in starts])
        seen_at_ends: set[t.Any] = set()
        """Ids of the window's end pages: met again at the spans' edges, they are repeats."""
        with GrowingMerge[Item](
            workers=self.most, buffer=QUEUED_PAGES, wanted=self.source.store.parallel_parts
        ) as merge:
            for key, part in zip(keys, starts, strict=True):
                if resumed is None and self.most > 1 and self.from_ends:
                    first_sync = window.start is None
                    merge.submit(functools.partial(self._open, key, part, first_sync))
                else:
                    merge.submit(functools.partial(self._read, key, part, resumed is None))
            for item in merge:
                if isinstance(item, Ends):
                    self.tally.expect(item.total)
                    for page in item.pages:
                        seen_at_ends.update(record["id"] for record in page)
                        yield page
                    written = sum(len(page) for page in item.pages)
                    if not item.parts:
                        self.marks.move(item.key, None, records=written)
                        continue
                    new_keys = self.marks.replace(
                        item.key, [p.position() for p in item.parts], records=written
                    )
                    for key, part in zip(new_keys, item.parts, strict=True):
                        merge.submit(functools.partial(self._read, key, part, False))
                    continue
                if isinstance(item, Split):
                    new_keys = self.marks.replace(item.key, [p.position() for p in item.parts])
                    for key, part in zip(new_keys, item.parts, strict=True):
                        merge.submit(functools.partial(self._read, key, part, item.counted))
                    continue
                key, page, position, total = item
                if total is not None:
                    # A fresh read counts the window: by its first page, or by its parts'
                    # (a resumed one is counted whole at its end, `verify`).
                    self.tally.expect_more(total)
                if seen_at_ends:
                    page = [record for record in page if record["id"] not in seen_at_ends]
                if page:
                    yield page
                self.marks.move(key, position, records=len(page))  # once the page is written

    def _open(self, key: int, part: Part, first_sync: bool) -> Iterator[Item]:
        """The fresh window from both ends (see the module docstring). In a first sync
        (a window open below, most likely large) the latest page is asked for with the
        earliest, not after it: one request lost if the window fits in one page."""
        params = {**self.params, **part.params()}
        pool = self.source.store.child_pool
        end = opening_call(self._end)
        later = pool.submit(end, params, True) if first_sync and pool else None
        try:
            first, total = end(params, False)
            if len(first) < PAGE_SIZE or (total is not None and total <= len(first)):
                yield key, first, None, total
                return
            last = (later.result() if later is not None else end(params, True))[0]
        finally:
            if later is not None:
                abandon(later, self.source)
        needed = self.source.store.parts_needed()
        parts = between_ends(first, last, total or 2 * PAGE_SIZE, most=needed)
        yield Ends(key, [first, last], total, parts)

    def _end(self, params: dict[str, t.Any], latest: bool) -> tuple[Page, int | None]:
        """The earliest (or latest) page of records by `date_modified`, and their count."""
        order = "desc" if latest else "asc"
        body = self.source.get(
            {**params, "sort": f"{FIELD}:{order}", "limit": PAGE_SIZE},
            typed=True,
            check=check_dated_page(PAGE_SIZE, latest=latest),
        )
        page, pagination = expect_v3(body, self.source)
        return page, total_of(pagination)

    def _read(self, key: int, part: Part, counted: bool) -> Iterator[Item]:
        """A part by its cursor; `counted`: its first page's total counts the window."""
        fresh = part.cursor is None
        params = {**self.params, **part.params()}
        pages = cursor_pages(self.source, self.source.path, params, typed=True, after=part.cursor)
        for page, cursor, total in pages:
            if fresh and total is not None and total > _split_above(part) * PAGE_SIZE:
                parts = split_part(part, page, total, most=self.most)
                if len(parts) > 1:
                    yield Split(key, parts, counted)  # this page is put aside: the parts read it
                    return
            yield key, page, (part.position(cursor) if cursor else None), total if counted else None
            fresh = False


def check_dated_page(limit: int, *, latest: bool) -> t.Callable[[t.Any], None]:
    """A check of a page sorted by `date_modified`: its length, and its dates in order
    (the window's end pages bound what is left between them: an unsorted one would hide
    records)."""
    length = check_page(limit)

    def check(body: t.Any) -> None:
        length(body)
        previous: dt.datetime | None = None
        for record in records_of(body):
            value = record.get(FIELD) if hasattr(record, "get") else None
            if not value:
                raise InvalidResponseError(f"a record without {FIELD}, in a page sorted by it")
            moment = _moment(value)
            if previous is not None and (moment > previous if latest else moment < previous):
                raise InvalidResponseError(f"{FIELD} out of order ({previous}, then {moment})")
            previous = moment

    return check


class V3Cursor(VerifiedPager):
    """A `date_modified` window of a v3 cursor list, in date parts read concurrently (above).

    `sorts_by_date`: the list documents `sort=date_modified:asc|desc` (customers), so a
    fresh window is opened from both ends; other cursor lists (metafields) open with
    their first page, put aside when the window is split.
    """

    replication_key = "date_modified"
    cost = "1 per 250 changed records (at least 1)"
    repeats = True  # a cursor's order is the server's: distinct records are counted
    section = "parts"

    def __init__(self, *, include: str | None = None, sorts_by_date: bool = False) -> None:
        self.include = include
        self.sorts_by_date = sorts_by_date

    @override
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        assert window is not None, "V3Cursor reads a window"
        params = {"include": self.include} if self.include else {}
        marks = window.checkpoint.section(self.section)
        reader = SubWindows(source, params, marks, tally, from_ends=self.sorts_by_date)
        yield from reader.pages(window)

    @override
    def count(self, source: PageSource, window: Window | None) -> int | None:
        assert window is not None, "V3Cursor reads a window"
        _, pagination = expect_v3(source.get({**window_params(window), "limit": 1}), source)
        return total_of(pagination)
