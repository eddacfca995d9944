"""Per-store fixed-window request quota, reported in BigCommerce's headers.

A window begins with the first request counted after the last window ended (none is
open before the first request), and lasts `window_ms`. Looking without counting (the
headers written as a request answers, or on a 401) never begins one: past a window's
end it reports that window as ended (nothing left until the next request begins one).
"""

from __future__ import annotations

import math
import threading
import time


class Window:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._start: float | None = None
        self._used = 0

    def reset(self) -> None:
        """Forget the window (the quota or its length changed): the next request begins one."""
        with self._lock:
            self._start, self._used = None, 0

    def take(
        self, quota: int, window_ms: int, consume: bool = True
    ) -> tuple[bool, list[tuple[str, str]], int]:
        """Consume one request (or only look); returns (allowed, headers, retry_after_s)."""
        with self._lock:
            now = time.monotonic()
            window = max(window_ms, 1) / 1000
            ended = self._start is None or now - self._start >= window
            if ended and consume:
                self._start = now
                self._used = 0
                ended = False
            if self._start is None:
                reset_ms, used = 0, 0
            else:
                reset_ms = 0 if ended else max(0, int((self._start + window - now) * 1000))
                used = self._used
            allowed = quota <= 0 or used < quota
            if allowed and consume:
                self._used += 1
                used += 1
            left = max(quota - used, 0) if quota > 0 else 2**31 - 1
        headers = [
            ("X-Rate-Limit-Time-Window-Ms", str(window_ms)),
            ("X-Rate-Limit-Time-Reset-Ms", str(reset_ms)),
            ("X-Rate-Limit-Requests-Quota", str(quota if quota > 0 else 2**31 - 1)),
            ("X-Rate-Limit-Requests-Left", str(left)),
        ]
        return allowed, headers, max(1, math.ceil(reset_ms / 1000))
