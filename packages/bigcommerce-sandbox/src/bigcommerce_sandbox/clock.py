"""The sandbox's notion of "now": wall clock plus an adjustable offset.

Tests move time forward (token expiry, safety lags) without sleeping, and every
``Date`` header and ``/v2/time`` answer follow the same clock, as a real store's
server clock would.
"""

from __future__ import annotations

import threading
import time


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

    def now_s(self) -> int:
        return int(self.now())

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    @property
    def offset(self) -> float:
        return self._offset
