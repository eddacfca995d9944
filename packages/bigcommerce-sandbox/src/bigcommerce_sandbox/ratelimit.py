"""Per-store fixed-window request quota, reported in BigCommerce's headers."""

from __future__ import annotations

import math
import threading
import time


class Window:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self._used = 0

    def take(
        self, quota: int, window_ms: int, consume: bool = True
    ) -> tuple[bool, list[tuple[str, str]], int]:
        """Consume one request (or only look); returns (allowed, headers, retry_after_s)."""
        with self._lock:
            now = time.monotonic()
            window = max(window_ms, 1) / 1000
            if now - self._start >= window:
                self._start = now
                self._used = 0
            reset_ms = max(0, int((self._start + window - now) * 1000))
            allowed = quota <= 0 or self._used < quota
            if allowed and consume:
                self._used += 1
            left = max(quota - self._used, 0) if quota > 0 else 2**31 - 1
        headers = [
            ("X-Rate-Limit-Time-Window-Ms", str(window_ms)),
            ("X-Rate-Limit-Time-Reset-Ms", str(reset_ms)),
            ("X-Rate-Limit-Requests-Quota", str(quota if quota > 0 else 2**31 - 1)),
            ("X-Rate-Limit-Requests-Left", str(left)),
        ]
        return allowed, headers, max(1, math.ceil(reset_ms / 1000))
