"""A progress line per stream at a steady cadence, so a long sync is never silent.

Each line says how far the stream is (records, pages, ranges of the window done),
what it costs (requests, and their rate against the rate the quota allows the tap),
how busy the store is kept (requests in flight) and, once the size of the window is
known, how long it still takes: what a user watching a 400,000-order backfill wants
to know, and what tells a slow store (few in flight, rate below the quota) from a
spent quota (rate at the quota).

The pagers tell it what they know of the window: `expect` the API's total of the
window, `ranges` how many parts it is read in, `range_done` each finished part.
The time left comes from the records left at the recent record rate when the total
is known, otherwise from the ranges left at the recent rate of ranges.
"""

from __future__ import annotations

import logging
import threading
import time
import typing as t
from collections.abc import Callable

if t.TYPE_CHECKING:
    from tap_bigcommerce.api import StoreApi

RECENT_SECONDS = 120.0
"""The span the recent rates (for the time left) are measured over."""


def format_duration(seconds: float) -> str:
    """`42 s`, `17 min`, `3 h 05 min`: as precise as a person reading a log needs."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


class _RecentRate:
    """Events per second over the last RECENT_SECONDS (or since the start, if shorter)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._marks: list[tuple[float, int]] = [(clock(), 0)]

    def note(self, total: int) -> None:
        now = self._clock()
        self._marks.append((now, total))
        while len(self._marks) > 2 and now - self._marks[1][0] >= RECENT_SECONDS:
            self._marks.pop(0)

    def per_second(self) -> float | None:
        (since, first), (now, last) = self._marks[0], self._marks[-1]
        if now - since <= 0 or last <= first:
            return None
        return (last - first) / (now - since)


class Progress:
    def __init__(
        self,
        *,
        stream: str,
        store_hash: str,
        api: StoreApi,
        logger: logging.Logger,
        interval: float,
        record_path: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._store_hash = store_hash
        self._api = api
        self._logger = logger
        self._interval = interval
        self._clock = clock
        self._record_path = f", records written {record_path}" if record_path else ""
        self._started = self._last = clock()
        self._first_request = api.stats.by_stream.get(stream, 0)
        self._lock = threading.Lock()
        self._record_rate = _RecentRate(clock)
        self._range_rate = _RecentRate(clock)
        self.records = 0
        self.pages = 0
        self.expected: int | None = None
        """The API's total of the window (None until a pager says it)."""
        self.planned = 0
        self.done = 0

    # --- what the pagers tell ---------------------------------------------------------

    def expect(self, records: int) -> None:
        """The window holds `records` (the API's total); more calls add up (several
        lists, or a window read in parts that each know their own total)."""
        with self._lock:
            self.expected = (self.expected or 0) + max(records, 0)

    def ranges(self, planned: int) -> None:
        """The window is read in `planned` more parts (id ranges, date sub-windows)."""
        with self._lock:
            self.planned += max(planned, 0)

    def range_done(self) -> None:
        """One part of the window is read (called from any thread)."""
        with self._lock:
            self.done += 1
            self._range_rate.note(self.done)

    # --- what the stream tells --------------------------------------------------------

    def record(self) -> None:
        self.records += 1
        if self.records % 250 == 0:
            self._record_rate.note(self.records)
            if self._clock() - self._last >= self._interval:
                self.log("progress")

    def page(self) -> None:
        self.pages += 1

    def time_left(self) -> float | None:
        """Seconds the window still needs at the recent rate (None: not known yet)."""
        with self._lock:
            if self.expected is not None and self.records < self.expected:
                rate = self._record_rate.per_second()
                return None if rate is None else (self.expected - self.records) / rate
            if self.planned and self.done < self.planned:
                rate = self._range_rate.per_second()
                return None if rate is None else (self.planned - self.done) / rate
            return None

    def line(self, what: str) -> str:
        now = self._clock()
        elapsed = max(now - self._started, 1e-6)
        requests = self._api.stats.by_stream.get(self._stream, 0) - self._first_request
        budget = self._api.budget.view()
        parts = [
            f"Stream '{self._stream}' (store {self._store_hash}) {what}:",
            f"{self.records:,}"
            + (f" of {self.expected:,}" if self.expected is not None else "")
            + " records,",
            f"{self.pages:,} pages,",
            f"{requests:,} requests at {requests / elapsed:.1f}/s",
        ]
        if budget.allowed_rate is not None:
            parts[-1] += f" (the quota allows {budget.allowed_rate:.1f}/s)"
        parts[-1] += ","
        if budget.quota is None:
            quota = "unknown"
        elif budget.allowed_rate is None:
            quota = "unmetered"  # a quota no store could be held to (`ratelimit.UNMETERED_RATE`)
        else:
            quota = f"{budget.left}/{budget.quota}"
        parts.append(f"{budget.in_flight} in flight (limit {budget.limit}), quota left {quota},")
        if self.planned:
            parts.append(f"ranges {self.done}/{self.planned},")
        parts.append(f"{self.records / elapsed:.0f} records/s")
        left = self.time_left() if what != "done" else None
        if left is not None:
            parts[-1] += f", about {format_duration(left)} left"
        return " ".join(parts) + self._record_path

    def log(self, what: str) -> None:
        self._last = self._clock()
        self._logger.info("%s", self.line(what))
