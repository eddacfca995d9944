"""A cursor list's window in date sub-windows, read concurrently, still exact.

A cursor list (customers) has no id filter, so its pages come one after another: one
request in flight, whatever the quota allows. But it filters on `date_modified:min/max`
(inclusive, to the second), so the frozen window can be tiled by sub-windows, each read
by its own cursor at the same time. A record edited during the sync leaves its
sub-window exactly as it leaves the window (its new date is after the window's end).

How finely to tile follows the data: a part is read from its first page; if that page's
`meta.pagination.total` says the part holds more than `SPLIT_ABOVE_PAGES` pages, the
page is put aside and the part is split into as many equal spans of time as it holds
`PAGES_PER_PART` pages (up to the worker ceiling), each of which may split again. A skewed
store (a bulk import in one afternoon) is split where its records are; a span of one
second cannot be split and is read by its cursor. Each split costs the one page put
aside. The first part of a window without a start is open below, so the tiling always
covers the whole window.

Positions in the checkpoint (`reading.checkpoint`): `[min, max, cursor]` per part, the
cursor the one after the last page written (null: the part is not begun).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import typing as t
from collections.abc import Iterator
from dataclasses import dataclass

from typing_extensions import override

from tap_bigcommerce.dates import format_timestamp, parse_timestamp
from tap_bigcommerce.reading.cursor import cursor_pages, window_params
from tap_bigcommerce.reading.pager import VerifiedPager
from tap_bigcommerce.reading.pages import PAGE_SIZE, Page, PageSource, expect_v3
from tap_bigcommerce.reading.parallel import GrowingMerge
from tap_bigcommerce.reading.verify import total_of

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.checkpoint import Position, Section
    from tap_bigcommerce.reading.verify import Tally
    from tap_bigcommerce.reading.windows import Window

SPLIT_ABOVE_PAGES = 8
PAGES_PER_PART = 4
QUEUED_PAGES = 2
FIELD = "date_modified"


@dataclass(frozen=True)
class Part:
    """A sub-window `[low, high]` (inclusive, `low` None: open below) and where it stands."""

    low: dt.datetime | None
    high: dt.datetime
    cursor: str | None = None

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


Item = tuple[int, Page, "Position | None", "int | None"] | Split


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
    step = (last - first + 1) / count
    starts = [first + round(step * i) for i in range(count)]
    parts = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < count else last
        begin: dt.datetime | None = _at(start)
        if i == 0:
            begin = part.low  # the first part keeps the part's own start, open or not
        parts.append(Part(begin, _at(end)))
    return parts


def _moment(value: t.Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else parse_timestamp(str(value))


def _at(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


class SubWindows:
    """One read of a cursor list's window by sub-windows (see the module docstring)."""

    def __init__(
        self, source: PageSource, params: dict[str, t.Any], marks: Section, tally: Tally
    ) -> None:
        self.source = source
        self.params = params
        self.marks = marks
        self.tally = tally
        self.most = source.store.parallel_parts()

    def pages(self, window: Window) -> Iterator[Page]:
        whole = Part(window.start, window.end)
        resumed = self.marks.resumed
        starts = [Part.at(p) for p in self.marks.starting(whole.position())]
        keys = self.marks.plan([part.position(part.cursor) for part in starts])
        with GrowingMerge[Item](workers=self.most, buffer=QUEUED_PAGES) as merge:
            for key, part in zip(keys, starts, strict=True):
                merge.submit(functools.partial(self._read, key, part))
            for item in merge:
                if isinstance(item, Split):
                    new_keys = self.marks.replace(item.key, [p.position() for p in item.parts])
                    for key, part in zip(new_keys, item.parts, strict=True):
                        merge.submit(functools.partial(self._read, key, part))
                    continue
                key, page, position, total = item
                if resumed is None:
                    # A fresh read's parts count the window; a resumed one is counted
                    # whole at its end (`verify`), with what the killed run wrote.
                    self.tally.expect_more(total)
                if page:
                    yield page
                self.marks.move(key, position, records=len(page))  # once the page is written

    def _read(self, key: int, part: Part) -> Iterator[Item]:
        fresh = part.cursor is None
        params = {**self.params, **part.params()}
        pages = cursor_pages(self.source, self.source.path, params, typed=True, after=part.cursor)
        for page, cursor, total in pages:
            if fresh and total is not None and total > SPLIT_ABOVE_PAGES * PAGE_SIZE:
                parts = split_part(part, page, total, most=self.most)
                if len(parts) > 1:
                    yield Split(key, parts)  # this page is put aside: the parts read it
                    return
            yield key, page, (part.position(cursor) if cursor else None), total
            fresh = False


class V3Cursor(VerifiedPager):
    """A `date_modified` window of a v3 cursor list, in date parts read concurrently (above)."""

    replication_key = "date_modified"
    cost = "1 per 250 changed records (at least 1)"
    repeats = True  # a cursor's order is the server's: distinct records are counted
    section = "parts"

    def __init__(self, *, include: str | None = None) -> None:
        self.include = include

    @override
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        assert window is not None, "V3Cursor reads a window"
        params = {"include": self.include} if self.include else {}
        marks = window.checkpoint.section(self.section)
        yield from SubWindows(source, params, marks, tally).pages(window)

    @override
    def count(self, source: PageSource, window: Window | None) -> int | None:
        assert window is not None, "V3Cursor reads a window"
        _, pagination = expect_v3(source.get({**window_params(window), "limit": 1}), source)
        return total_of(pagination)
