"""Request counters that tests and benchmarks read to count calls and faults.

`max_in_flight` is the most API requests the store was serving at once since the last
reset (from arrival to answer, latency included): how many a client keeps in flight.
"""

from __future__ import annotations

import threading
from typing import Any


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._requests = 0
            self._by_endpoint: dict[str, dict[str, int]] = {}
            self._throttled = 0
            self._faults = {"error": 0, "drop": 0, "truncate": 0}
            self._max_in_flight = self._in_flight

    def arrived(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def answered(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def record(self, endpoint: str, status: int | str) -> None:
        with self._lock:
            self._requests += 1
            bucket = self._by_endpoint.setdefault(endpoint, {})
            bucket[str(status)] = bucket.get(str(status), 0) + 1
            if status == 429:
                self._throttled += 1

    def fault(self, kind: str) -> None:
        with self._lock:
            self._faults[kind] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self._requests,
                "by_endpoint": {k: dict(v) for k, v in self._by_endpoint.items()},
                "throttled": self._throttled,
                "faults": dict(self._faults),
                "max_in_flight": self._max_in_flight,
            }
