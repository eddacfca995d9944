"""How many requests one store may have in flight: enough to keep the quota busy, no more.

The rate budget (`ratelimit`) decides *when* a request may start so that the store's
quota lasts; this module decides *how many* may wait on the store at once. By Little's
law a steady rate of R requests/s with answers that take W seconds keeps R x W requests
in flight, so the limit follows the measured response time: a store that answers a page
of orders in 2 s needs about 30 requests in flight to use a Pro quota, one that answers
in 100 ms needs two. Headroom covers the spread of response times.

The limit also backs off when the store says it is struggling: a 429 (the quota is
spent: another app, or a burst), a 5xx or a dropped connection halves it, at most once
per response time (the answers of one burst are one signal, not many), and each good
answer then adds back 1/limit (about one more request in flight per round trip), as TCP
does. `max_workers` is only the ceiling. Before the store has answered at all, one
request at a time: nothing is known yet of its quota, and the first answer tells it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

HEADROOM = 1.5
"""Requests in flight per request the target rate needs (Little's law x HEADROOM + 1)."""
SMOOTHING = 0.2
"""Weight of the newest response time in its moving average."""
RECOVERY = 1.0
"""Requests in flight added back per round trip after a back-off."""


@dataclass
class InFlightView:
    """What a progress line says about concurrency."""

    limit: int
    response_seconds: float | None


class InFlightLimit:
    """The number of requests allowed in flight (see the module docstring). Not locked:
    the rate budget calls it under its own lock."""

    def __init__(self, ceiling: int) -> None:
        self.ceiling = max(int(ceiling), 1)
        self._response_seconds: float | None = None
        self._backoff = float(self.ceiling)
        """The limit the store's push-back left (the ceiling until it first pushes back)."""
        self._last_decrease = -math.inf

    @property
    def response_seconds(self) -> float | None:
        """The moving average of response times (None before the first answer)."""
        return self._response_seconds

    def limit(self, rate: float | None) -> int:
        """Requests allowed in flight now, for a target of `rate` requests/s.

        `rate` None: the quota is not known (no answer yet, or the store sends no
        rate-limit headers): one at a time until an answer tells the response time,
        then the ceiling, still subject to back-off.
        """
        if self._response_seconds is None or rate is None:
            return self.cap()
        needed = math.ceil(rate * self._response_seconds * HEADROOM) + 1
        return max(1, min(self.cap(), needed))

    def cap(self) -> int:
        """Requests allowed in flight whatever the window they are counted in: the
        ceiling, less what the store's push-back took (one before the first answer)."""
        if self._response_seconds is None:
            return 1
        return max(1, min(self.ceiling, int(self._backoff)))

    def answered(self, seconds: float) -> None:
        """A good answer after `seconds`: learn the response time, recover from back-off."""
        seconds = max(seconds, 0.0)
        if self._response_seconds is None:
            self._response_seconds = seconds
        else:
            self._response_seconds += SMOOTHING * (seconds - self._response_seconds)
        if self._backoff < self.ceiling:
            self._backoff = min(self.ceiling, self._backoff + RECOVERY / max(self._backoff, 1.0))

    def pushed_back(self, now: float, in_flight: int) -> None:
        """A 429, 5xx or failed request at `now`, with `in_flight` requests out: halve."""
        wait = self._response_seconds or 0.0
        if now - self._last_decrease < wait:
            return  # the same burst: its other answers say nothing new
        self._last_decrease = now
        current = min(self._backoff, float(max(in_flight, 1)))
        self._backoff = max(1.0, current / 2)

    def view(self, rate: float | None) -> InFlightView:
        return InFlightView(limit=self.limit(rate), response_seconds=self._response_seconds)
