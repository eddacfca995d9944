"""The store's request budget, shared by every thread of one run.

BigCommerce counts requests per store in a fixed window and shares the quota with
every app installed on the store. Each response says how much of the window and
quota is left. The budget decides when the next request may start:

* at the quota's steady rate (quota minus the reserve, over the window) while the tap
  keeps the store busy, which is what BigCommerce asks of apps (spread the load);
* faster, up to `CATCH_UP` times that rate, while the current window has more left than
  the steady rate would spend before it resets: a fixed window's unused requests are
  lost at its reset, and a run leaves some unused at its start and whenever a stream
  waits on its own dependent requests;
* never more than the window has left, counting the requests still in flight that
  the store will count in this window, so an app that drains the quota slows us down
  at once (what is left is then spread over the rest of the window) and the reserve
  for the store's other apps is never touched;
* with as many requests in flight as that rate needs at the store's response time
  (`concurrency.InFlightLimit`), so a slow store is still read at the full rate: of
  the requests counted in the same window (an ended window's last requests, still on
  their way back, do not hold the next window's first ones back), and never more in
  all than the `max_workers` ceiling;
* first to the stream being written: a stream read ahead of its turn gets only the
  turns it leaves unused (`urgent`).

Which of the requests in flight an answer's `left` has counted, and which window a
request will be counted in, depend on when the store counts and when it writes its
headers (`counting`): the budget reads the cautious way until the store's answers
tell.
"""

from __future__ import annotations

import collections
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tap_bigcommerce import cancel
from tap_bigcommerce.concurrency import InFlightLimit
from tap_bigcommerce.counting import StoreCounting
from tap_bigcommerce.rate_headers import quota_headers

SAME_WINDOW_SLACK = 0.5
"""Seconds two readings' reset times may differ and still be the same window (the
answers' transfer times differ)."""
CATCH_UP = 3.0
"""How much faster than the steady rate the window's unused requests may be spent."""
SCARCE = 0.5
"""A window is scarce when it has left less than this share of what the steady rate would
spend before its reset: what is left is then spread over the rest of it."""
OTHERS_SAMPLE = 10
"""Requests of this run a window must have counted before it tells what others spend."""
OTHERS_SLACK = 2
OTHERS_SLACK_SHARE = 0.1
"""Requests (at least, and as a share of this run's) a window may count beyond this run's
before they are taken for other apps' (`_count_others`)."""
UNMETERED_RATE = 1000.0
"""Requests/s above which a store's quota is no limit at all (an unmetered plan, or the
sandbox without a quota, reports one of 2^31 - 1): reads are then sized for the main
thread (`context.UNMETERED_PARTS`), not for a rate no store could serve."""
RELEASE_WAIT = 0.2
"""Longest wait for a request in flight to end before checking for cancellation."""


@dataclass(eq=False)
class Ticket:
    """One request's turn: when it started and when its answer's headers came (the
    budget's clock)."""

    started: float
    heard: float | None = None


@dataclass
class QuotaReading:
    """The lowest quota reading seen for the current window."""

    quota: int
    left: int
    reset_at: float
    """Clock time at which the window resets."""
    after: float
    """Requests started after this were not yet counted in `left`."""
    provisional: bool = False
    """Assumed at a reset (full quota) until the new window's first answer."""


@dataclass
class BudgetView:
    """The budget as a progress line reports it."""

    left: int | None
    quota: int | None
    allowed_rate: float | None
    """Requests/s the quota allows the tap (quota minus the reserve, over the window)."""
    in_flight: int
    limit: int
    needed: int
    """Requests in flight the allowed rate needs at the store's response time (Little's
    law, without the limit's headroom): fewer parallel reads leave the quota unused."""


class RateBudget:
    """When a request may start, and how many may be in flight (see the module docstring)."""

    def __init__(
        self,
        *,
        reserve_fraction: float = 0.0,
        max_in_flight: int = 32,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = cancel.sleep,
    ) -> None:
        self._reserve_fraction = reserve_fraction
        self._clock = clock
        self._sleep = sleep
        self._changed = threading.Condition(threading.Lock())
        self._limit = InFlightLimit(max_in_flight)
        self._reading: QuotaReading | None = None
        self._window: float | None = None
        self._in_flight: set[Ticket] = set()
        self._next_slot = -float("inf")
        self._counting = StoreCounting()
        self._sent: collections.deque[float] = collections.deque()
        """When this run's recent requests started (the last two windows' worth)."""
        self._others = 0
        """Requests the store's other apps spend of a window (`_count_others`)."""
        self._others_window = 0.0
        self._others_share = 0.0
        """Other apps' requests per request of this run's, in the last window heard from:
        while they keep pace, each request in flight will cost the window that much more."""
        self._rate: float | None = None
        """The rate the pacing allows now (requests/s), for Little's law."""
        self._urgent_waiting = 0
        """Urgent requests waiting for a turn (see `try_acquire`)."""

    @property
    def ceiling(self) -> int:
        return self._limit.ceiling

    def _reserve(self, quota: int) -> int:
        return int(quota * self._reserve_fraction)

    def _steady_interval(self, quota: int) -> float:
        """Seconds between requests at the quota's steady rate (0: unknown window)."""
        if self._window is None:
            return 0.0
        return self._window / max(quota - self._reserve(quota), 1)

    def _expire(self, now: float) -> None:
        """Past the reset, assume the new window's full quota until it answers. Lock held."""
        reading = self._reading
        if reading is None or now < reading.reset_at:
            return
        if self._window is None:
            self._reading = None  # no window length: the next answer tells it all
            return
        self._reading = QuotaReading(
            quota=reading.quota,
            left=reading.quota,
            reset_at=max(reading.reset_at + self._window, now),
            after=reading.reset_at - self._counting.delay,
            provisional=True,
        )

    def _plan(self, now: float) -> tuple[float, float]:
        """(seconds the window makes a request wait, seconds between requests) now.

        Lock held. Sets the rate the pacing allows, which the in-flight limit follows.
        """
        reading = self._reading
        if reading is None:
            self._rate = None
            return 0.0, 0.0
        delay = self._counting.delay
        steady = self._steady_interval(reading.quota)
        reserve = self._reserve(reading.quota)
        if now + delay < reading.reset_at:
            # Counted in this window: what it has left, less what is on its way to it
            # (every request since the reading: one expected in the next window may yet
            # be counted in this one, if the store counts sooner than learned), spread
            # over what is left of it; up to CATCH_UP times the steady rate when the
            # window was left unused (the run's first requests, a stream waiting on its
            # own), since a fixed window's unused requests are lost at its reset; slower
            # when far fewer are left than the steady rate would spend (another app).
            pending = sum(1 for ticket in self._in_flight if ticket.started >= reading.after)
            horizon = reading.reset_at - delay - now
            # A window assumed at its reset has not told what other apps spend in it yet:
            # as much as in the last one, until it does.
            others = self._others if reading.provisional else 0
            allowed = reading.left - reserve - others - int(pending * (1 + self._others_share))
            if allowed <= 0:
                self._rate = 0.0
                return horizon, steady
            spread = horizon / allowed
            if spread < steady:
                interval = max(spread, steady / CATCH_UP)  # more left than the pace uses
            elif spread * SCARCE > steady:
                interval = spread  # far less left (another app spent it): spread it
            else:
                interval = steady
        else:
            # Counted in the next window: its quota, less what is on its way to it.
            pending = sum(
                1 for ticket in self._in_flight if ticket.started + delay >= reading.reset_at
            )
            if reading.quota - reserve - self._others - pending <= 0:
                self._rate = 0.0
                return max(steady, 0.05), steady
            interval = steady
        self._rate = 1 / interval if interval > 0 else None
        return 0.0, interval

    def _counted_with_next(self, now: float) -> int:
        """Requests in flight the store counts in the window the next one is counted in.

        Lock held. Those of an earlier window (its catch-up at its end, the answers of a
        slow store) no longer spend the rate the in-flight limit is sized for: counting
        them would hold the next window back until they answer, and its start unused.
        """
        reading = self._reading
        if reading is None or self._window is None:
            return len(self._in_flight)
        delay = self._counting.delay
        began = reading.reset_at - delay
        if now + delay < reading.reset_at:
            began -= self._window
        return sum(1 for ticket in self._in_flight if ticket.started >= began)

    def try_acquire(self, *, urgent: bool = True) -> Ticket | float | None:
        """A turn now (a `Ticket`), seconds to wait for one, or None while the requests
        in flight are all the limit allows (a `release` may give a turn).

        A request that is not `urgent` (a stream read ahead of its turn) gets no turn
        while an urgent one waits for one: it uses only what the stream being written
        leaves unused.
        """
        with self._changed:
            if not urgent and self._urgent_waiting:
                return None
            now = self._clock()
            self._expire(now)
            wait, interval = self._plan(now)
            if wait > 0:
                return wait
            if len(self._in_flight) >= self._limit.cap():
                return None
            if self._counted_with_next(now) >= self._limit.limit(self._rate):
                return None
            if self._next_slot > now:
                return self._next_slot - now
            self._next_slot = now + interval
            ticket = Ticket(now)
            self._in_flight.add(ticket)
            self._sent.append(now)
            return ticket

    def acquire(self, *, urgent: bool = True) -> Ticket:
        """Wait for a turn to send one request; pair with `release`. See `try_acquire`
        for `urgent`."""
        if urgent:
            with self._changed:
                self._urgent_waiting += 1
        try:
            while True:
                cancel.check()
                turn = self.try_acquire(urgent=urgent)
                if isinstance(turn, Ticket):
                    return turn
                if turn is None:
                    with self._changed:
                        self._changed.wait(RELEASE_WAIT)
                    continue
                self._sleep(min(turn, 1.0))
        finally:
            if urgent:
                with self._changed:
                    self._urgent_waiting -= 1
                    self._changed.notify_all()

    def heard(self, ticket: Ticket) -> None:
        """The answer's headers have come (its body may take a while yet): what they say
        of the window is as of now, not of when the body is read."""
        ticket.heard = self._clock()

    def release(
        self, ticket: Ticket, headers: Mapping[str, str] | None, *, status: int | None
    ) -> None:
        """The request is answered with `status` (None: no answer): record what it says.

        A 429, a 5xx or no answer at all makes the in-flight limit back off.
        """
        with self._changed:
            now = self._clock()
            pushed_back = status is None or status == 429 or status >= 500
            heard = now if ticket.heard is None else min(ticket.heard, now)
            if pushed_back:
                self._limit.pushed_back(now, len(self._in_flight))
            else:
                self._limit.answered(heard - ticket.started)
            self._in_flight.discard(ticket)
            if headers is not None:
                self._observe(ticket, headers, heard)
            self._changed.notify_all()

    def _observe(self, ticket: Ticket, headers: Mapping[str, str], now: float) -> None:
        said = quota_headers(headers)
        if said is None:
            return
        quota, left = said.quota, said.left
        if said.window_ms is not None and said.window_ms > 0:
            self._window = said.window_ms / 1000.0
        told = self._counting.read(
            started=ticket.started, answered=now, reset_ms=said.reset_ms, window=self._window
        )
        reset_at = told.reset_at
        fresh = QuotaReading(quota=quota, left=left, reset_at=reset_at, after=told.counted_to)
        current = self._reading
        new_window = current is not None and reset_at > current.reset_at + SAME_WINDOW_SLACK
        if current is None or current.provisional or new_window:
            self._reading = fresh
        elif reset_at < current.reset_at - SAME_WINDOW_SLACK:
            return  # a late answer of a window that has ended
        else:
            self._counting.counted_sooner(ticket.started, current.reset_at)
            # Answers of one window arrive out of order from parallel requests: keep
            # the lowest `left`.
            if left < current.left:
                self._reading = QuotaReading(
                    quota=quota, left=left, reset_at=current.reset_at, after=told.counted_to
                )
        self._count_others(told.counted_to, reset_at, quota - left, now)

    def _count_others(self, counted_to: float, reset_at: float, used: int, now: float) -> None:
        """What other apps spend of a window: what an answer says is used, less this run's
        requests counted by then (those sent since the window began, up to `counted_to`).
        The most seen in the last window is assumed of a window not yet heard from."""
        if self._window is None:
            return
        while self._sent and self._sent[0] < now - 2 * self._window:
            self._sent.popleft()
        began = reset_at - self._window - self._counting.delay
        ours = sum(1 for started in self._sent if began <= started <= counted_to)
        if ours < OTHERS_SAMPLE:
            return  # too early in the window to tell this run's requests from others'
        # Which of this run's requests a window has counted is known only roughly (when
        # each is counted varies with its response time): a few are not other apps'.
        others = max(used - ours - max(OTHERS_SLACK, int(ours * OTHERS_SLACK_SHARE)), 0)
        if reset_at != self._others_window:
            self._others_window, self._others = reset_at, others
        else:
            self._others = max(self._others, others)
        self._others_share = self._others / max(ours, 1)

    def view(self) -> BudgetView:
        """The current window's reading and the concurrency at the steady rate, for progress
        lines and for sizing reads (`context.StoreContext.parallel_parts`)."""
        with self._changed:
            reading = self._reading
            if reading is None or reading.provisional:
                left = None if reading is None else reading.quota
            else:
                left = reading.left
            quota = None if reading is None else reading.quota
            steady = 0.0 if quota is None else self._steady_interval(quota)
            # At the steady rate, not a window's catch-up: what reads are sized by.
            limit = self._limit.limit(1 / steady if steady > 0 else self._rate)
            seconds = self._limit.response_seconds
            needed = limit
            if steady > 0 and seconds is not None:
                needed = min(limit, math.ceil(seconds / steady) + 1)
            unmetered = steady <= 0 or 1 / steady > UNMETERED_RATE
            return BudgetView(
                left=left,
                quota=quota,
                allowed_rate=None if unmetered else 1 / steady,
                in_flight=len(self._in_flight),
                limit=limit,
                needed=needed,
            )
