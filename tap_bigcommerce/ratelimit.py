"""The store's request budget, shared by every thread of one run.

BigCommerce counts requests per store in a fixed window and shares the quota with
every app installed on the store. Each response says how much of the window and
quota is left; this module remembers the latest reading and makes callers wait
for the window to reset instead of spending requests on 429s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

WINDOW_HEADER = "X-Rate-Limit-Time-Window-Ms"
RESET_HEADER = "X-Rate-Limit-Time-Reset-Ms"
QUOTA_HEADER = "X-Rate-Limit-Requests-Quota"
LEFT_HEADER = "X-Rate-Limit-Requests-Left"
RETRY_AFTER_HEADER = "X-Retry-After"


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(float(raw))
    except ValueError:
        return None


@dataclass
class QuotaReading:
    """What the last response said about the window."""

    quota: int
    left: int
    reset_at: float  # monotonic time at which the window resets


class RateBudget:
    """Blocks a request while the quota (minus a reserve for other apps) is spent."""

    def __init__(
        self,
        *,
        reserve_fraction: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._reserve_fraction = reserve_fraction
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._reading: QuotaReading | None = None
        self.waited_seconds = 0.0

    @property
    def reading(self) -> QuotaReading | None:
        return self._reading

    def _reserve(self, quota: int) -> int:
        return int(quota * self._reserve_fraction)

    def wait_for_turn(self) -> None:
        """Sleep until the window resets if the last reading says the quota is spent."""
        with self._lock:
            reading = self._reading
            if reading is None or reading.left > self._reserve(reading.quota):
                if reading is not None:
                    reading.left -= 1  # count our own request until the next reading
                return
            delay = reading.reset_at - self._clock()
        if delay > 0:
            self.waited_seconds += delay
            self._sleep(delay)
        with self._lock:
            if self._reading is reading:
                self._reading = None  # the window has reset; the next response tells us more

    def observe(self, headers: Mapping[str, str]) -> None:
        """Record the quota headers of a response."""
        quota = _int_header(headers, QUOTA_HEADER)
        left = _int_header(headers, LEFT_HEADER)
        reset_ms = _int_header(headers, RESET_HEADER)
        if quota is None or left is None or reset_ms is None:
            return
        with self._lock:
            self._reading = QuotaReading(
                quota=quota, left=left, reset_at=self._clock() + reset_ms / 1000.0
            )

    def throttled_delay(self, headers: Mapping[str, str]) -> float | None:
        """How long a 429 asks us to wait, from X-Retry-After or the reset header."""
        retry_after = headers.get(RETRY_AFTER_HEADER)
        if retry_after is not None:
            try:
                return max(float(retry_after), 0.0)
            except ValueError:
                pass
        reset_ms = _int_header(headers, RESET_HEADER)
        if reset_ms is not None:
            return max(reset_ms / 1000.0, 0.0)
        return None
