"""The store's request budget, shared by every thread of one run.

BigCommerce counts requests per store in a fixed window and shares the quota with
every app installed on the store. Each response says how much of the window and
quota is left. The budget spreads the requests still allowed evenly over the rest
of the window (so parallel workers never burst into 429s), keeps a reserve of the
quota for the store's other apps, and follows the headers as they change, so an
app that drains the quota slows us down at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tap_bigcommerce import cancel

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
    """The lowest quota reading seen for the current window."""

    quota: int
    left: int
    reset_at: float  # clock time at which the window resets


class RateBudget:
    """Paces requests so the quota (minus a reserve) lasts until the window resets."""

    def __init__(
        self,
        *,
        reserve_fraction: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = cancel.sleep,
    ) -> None:
        self._reserve_fraction = reserve_fraction
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._reading: QuotaReading | None = None
        self._in_flight = 0
        self._next_slot = 0.0

    def _reserve(self, quota: int) -> int:
        return int(quota * self._reserve_fraction)

    def _delay(self, now: float) -> float:
        """Seconds to wait before the next request may start (0: go now). Lock held."""
        reading = self._reading
        if reading is None:
            return 0.0
        if now >= reading.reset_at:
            self._reading = None  # a new window: the next response tells us about it
            self._next_slot = now
            return 0.0
        allowed = reading.left - self._reserve(reading.quota) - self._in_flight
        if allowed <= 0:
            return reading.reset_at - now
        start = max(now, self._next_slot)
        if start > now:
            return start - now
        self._next_slot = now + (reading.reset_at - now) / allowed
        return 0.0

    def acquire(self) -> None:
        """Wait for a turn to send one request; pair with `release`."""
        while True:
            with self._lock:
                delay = self._delay(self._clock())
                if delay <= 0:
                    self._in_flight += 1
                    return
            self._sleep(min(delay, 1.0))

    def release(self, headers: Mapping[str, str] | None) -> None:
        """The request is answered (or failed): record what its headers say."""
        with self._lock:
            self._in_flight = max(self._in_flight - 1, 0)
            if headers is not None:
                self._observe(headers)

    def _observe(self, headers: Mapping[str, str]) -> None:
        quota = _int_header(headers, QUOTA_HEADER)
        left = _int_header(headers, LEFT_HEADER)
        reset_ms = _int_header(headers, RESET_HEADER)
        if quota is None or left is None or reset_ms is None:
            return
        reset_at = self._clock() + reset_ms / 1000.0
        current = self._reading
        # Responses of one window arrive out of order from parallel requests: keep
        # the lowest `left`. A reset far later than ours means a new window began.
        if current is None or reset_at > current.reset_at + 0.5 or left < current.left:
            if current is not None and reset_at <= current.reset_at + 0.5:
                reset_at = current.reset_at
            self._reading = QuotaReading(quota=quota, left=left, reset_at=reset_at)

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

    def snapshot(self) -> tuple[int, int] | None:
        """(left, quota) of the current window, for progress lines."""
        reading = self._reading
        return None if reading is None else (reading.left, reading.quota)
