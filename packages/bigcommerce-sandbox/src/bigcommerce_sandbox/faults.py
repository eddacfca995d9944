"""Chance-driven faults and latency applied to API requests only."""

from __future__ import annotations

import random
import threading

from bigcommerce_sandbox.options import SandboxOptions

ERROR_STATUSES = (500, 502, 503, 504)


class Faults:
    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed ^ 0x5EED)
        self._lock = threading.Lock()

    def pick(self, opts: SandboxOptions) -> tuple[str | None, int]:
        """One of None, "drop", "error" (with its status) or "truncate"."""
        with self._lock:
            roll = self._rng.random()
            status = self._rng.choice(ERROR_STATUSES)
        if roll < opts.drop_rate:
            return "drop", 0
        roll -= opts.drop_rate
        if roll < opts.error_rate:
            return "error", status
        roll -= opts.error_rate
        if roll < opts.truncate_rate:
            return "truncate", 0
        return None, 0
