"""When a store counts a request against its window, and when it writes what it says of it.

The rate budget (`ratelimit`) must know, for a request in flight, whether the window
in the answers it holds has counted it yet and which window will. Stores differ:

* counted as it arrives, the headers written as it answers (the sandbox): an answer's
  `left` already counts every request sent before the answer came;
* counted as it arrives, the headers written then (a gateway): the answer's `left` counts
  what was sent before the request, and its reset is a response time old;
* counted only as it answers: a request sent in a window's last second counts in the
  next window.

Read the wrong way, the budget either spends a window's requests twice (429s), or,
the cautious way it reads them when it cannot tell, leaves a response time's worth of
every window unused: a third of a 3 s window at a 1 s response time.

The run's first answer tells, when the window it describes began with that request (a
store that begins its window at the first request after the last one ended, as the
sandbox does and as a store no other app is using shows): the window began when the
request was counted, so `answered + reset - window - started` is how long after it was
sent the store counted it. About nothing: counted as it arrived, and the headers, which
already count what followed it, were written as it answered. About the response time:
counted (or told) as it answered. Anything else (a window begun by another app, or on
the store's own schedule) tells nothing, and the cautious reading stays. Whether headers
are written on arrival is told by the answers of whole windows (`header_timing`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tap_bigcommerce.header_timing import HeaderTiming

ARRIVAL_SLACK = 0.02
"""Seconds a window may seem to begin before its first request was sent (clock noise)."""
ARRIVAL_SHARE = 0.2
"""A window begun within this share of the response time after the request was sent
began as it arrived (the rest is the network and the store's own work)."""
LATE_SHARE = 0.7
"""A window begun this far into the response time began as the request was answered."""
DELAY_TRUST = 0.9
"""Share of a counting delay relied upon (response times vary)."""
TOLD_MARGIN = 0.1
TOLD_SLACK = 0.02
"""Headers written as a request answers were written that much before they came (a share
of the response time, and seconds): requests sent since may not be counted in them."""


@dataclass(frozen=True)
class Reading:
    """When the window an answer describes resets, and which requests its `left` counts:
    every one sent up to `counted_to` (and none after)."""

    reset_at: float
    counted_to: float


class StoreCounting:
    """How a store counts requests (see the module docstring). Not locked: the rate
    budget calls it under its own lock."""

    def __init__(self) -> None:
        self._timing = HeaderTiming()
        self._delay = 0.0
        self._told_at_answer = False
        self._first = True
        self._quickest = float("inf")

    @property
    def delay(self) -> float:
        """Seconds after sending that a request is counted (0: as it arrives): never more
        than the quickest answer seen took, a store counting as it answers counts a quick
        answer sooner."""
        if self._timing.on_arrival:
            return 0.0
        return min(self._delay, self._quickest * DELAY_TRUST)

    def read(
        self, *, started: float, answered: float, reset_ms: int, window: float | None
    ) -> Reading:
        """What an answer to a request sent at `started` says, on the budget's clock."""
        self._quickest = min(self._quickest, answered - started)
        reset_at = self._timing.reset_at(
            started=started, answered=answered, reset_ms=reset_ms, window=window
        )
        if self._first and window:
            self._first = False
            self._learn(started, answered, reset_ms / 1000.0, window)
        told_at_answer = self._told_at_answer and not self._timing.on_arrival
        if not told_at_answer:
            return Reading(reset_at=reset_at, counted_to=started)
        # Written a little before it came: what was sent meanwhile may not be in it.
        written = answered - TOLD_MARGIN * (answered - started) - TOLD_SLACK
        return Reading(reset_at=reset_at, counted_to=max(written, started))

    def _learn(self, started: float, answered: float, reset: float, window: float) -> None:
        response = answered - started
        began = answered + reset - window
        late = began - started
        if -ARRIVAL_SLACK <= late <= ARRIVAL_SHARE * response:
            self._told_at_answer = True
        elif LATE_SHARE * response <= late <= response + ARRIVAL_SLACK:
            self._delay = late * DELAY_TRUST

    def counted_sooner(self, started: float, reset_at: float) -> None:
        """A request sent at `started` was counted in the window that resets at
        `reset_at`, though the delay put it in the next: the store counts sooner."""
        if started + self._delay >= reset_at:
            self._delay = min(self._delay, max(reset_at - started, 0.0) * DELAY_TRUST)
