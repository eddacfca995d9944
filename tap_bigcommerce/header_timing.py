"""When a store's rate-limit headers were written: as the request arrived, or as it answered.

`X-Rate-Limit-Time-Reset-Ms` says how long until the window resets, counted from the
moment the header was written. A gateway that counts a request as it arrives may write
the header then, and the page takes its time after; another store writes it as it
answers. Read as written at the answer, an early header puts the reset a whole response
time too late, and the rate budget (`ratelimit`) would then wait that long at the end of
every window (at a 1 s response time, a third of a 3 s window); read as written at the
start, a late header puts the reset too early, and requests would be sent into a window
already spent.

The answers of one window tell which: the reset they imply is one moment for all of
them when read the right way, and scatters with their response times when read the
wrong way. Until the answers have told it (response times too alike to tell, or too
few answers yet), headers are read as written at the answer: the reset is then never
believed earlier than it is.
"""

from __future__ import annotations

import collections

SAMPLES = 12
"""Answers of one window compared."""
TELLING_SPREAD = 0.04
"""Seconds by which the answers' response times must differ for them to tell anything."""
CLEARLY = 0.35
"""The right reading scatters at most this share of the wrong one."""
RESOLUTION = 0.05
"""Seconds added to every reset read: the header counts whole milliseconds (rounded down),
a header written on arrival was written a little after the request was sent, and the
store's clock and ours tick apart."""
WINDOWS_TO_DECIDE = 2
"""Windows that must agree before headers are read as written on arrival."""


class HeaderTiming:
    """Whether rate-limit headers are written as requests arrive (see the module docstring).

    Not locked: the rate budget calls it under its own lock.
    """

    def __init__(self) -> None:
        self._samples: collections.deque[tuple[float, float, float]] = collections.deque(
            maxlen=SAMPLES
        )
        self._window_reset: float | None = None
        self._agreeing = 0
        self.on_arrival = False
        """True once the answers have shown the headers are written as requests arrive."""

    def reset_at(
        self, *, started: float, answered: float, reset_ms: int, window: float | None
    ) -> float:
        """When the window an answer describes resets, on the budget's clock (`window`:
        the window's length in seconds, when the headers said it)."""
        reset = reset_ms / 1000.0
        late = answered + reset
        apart = window / 2 if window else 1.0  # resets further apart: another window
        if self._window_reset is not None and late > self._window_reset + apart:
            self._close_window()
        if self._window_reset is None:
            self._window_reset = late
        if late > self._window_reset - apart:  # not a late answer of an earlier window
            self._samples.append((started + reset, late, answered - started))
        return (started + reset if self.on_arrival else late) + RESOLUTION

    def _close_window(self) -> None:
        """A new window began: judge the last one's answers."""
        samples = list(self._samples)
        self._samples.clear()
        self._window_reset = None
        if len(samples) < 3:
            return
        responses = [r for _, _, r in samples]
        if max(responses) - min(responses) < TELLING_SPREAD:
            return
        early = [e for e, _, _ in samples]
        late = [x for _, x, _ in samples]
        early_spread, late_spread = max(early) - min(early), max(late) - min(late)
        if early_spread <= CLEARLY * late_spread:
            self._agreeing += 1
            if self._agreeing >= WINDOWS_TO_DECIDE:
                self.on_arrival = True
        elif late_spread <= CLEARLY * early_spread:
            self._agreeing = 0
            self.on_arrival = False
