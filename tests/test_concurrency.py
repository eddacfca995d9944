"""Requests in flight follow the quota: the budget and its in-flight limit, on a simulated store.

The store is simulated in simulated time (a discrete-event loop: no thread, no sleep, no
timing), so every figure here is exact and the same on every run: workers ask the budget
for a turn, the request takes the store's latency, the store counts it in its fixed
window (on arrival, or after the latency as the sandbox does) and answers with
BigCommerce's rate-limit headers, or 429 when the window's quota is spent.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field

import pytest

from tap_bigcommerce.concurrency import InFlightLimit
from tap_bigcommerce.ratelimit import RateBudget, Ticket


class SimClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class SimStore:
    """A fixed-window quota that starts its window at the first request after the last one."""

    quota: int
    window: float
    other_app_share: float = 0.0
    """Requests another app spends per request of ours."""
    start: float | None = None
    used: float = 0.0
    counted: int = 0
    throttled: int = 0

    def _roll(self, now: float) -> None:
        if self.start is None or now - self.start >= self.window:
            self.start, self.used = now, 0.0

    def count(self, now: float) -> bool:
        self._roll(now)
        if self.used + 1 > self.quota:
            self.throttled += 1
            return False
        self.used += 1 + self.other_app_share
        self.counted += 1
        return True

    def headers(self, now: float) -> dict[str, str]:
        self._roll(now)
        assert self.start is not None
        return {
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Requests-Left": str(max(int(self.quota - self.used), 0)),
            "X-Rate-Limit-Time-Reset-Ms": str(int((self.start + self.window - now) * 1000)),
            "X-Rate-Limit-Time-Window-Ms": str(int(self.window * 1000)),
        }


@dataclass
class Outcome:
    seconds: float
    counted: int
    throttled: int
    max_in_flight: int
    in_flight_samples: list[int] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """Simulated time against the quota bound (requests counted / quota x window)."""
        return self.seconds / (self.counted / QUOTA * WINDOW)


QUOTA, WINDOW = 45, 3.0


def simulate(
    *,
    latency: float,
    workers: int = 32,
    requests: int = 900,
    counts_on_arrival: bool = False,
    headers_on_arrival: bool = False,
    other_app_share: float = 0.0,
    reserve: float = 0.0,
    seed: int = 1,
) -> Outcome:
    rng = random.Random(seed)
    clock = SimClock()
    budget = RateBudget(
        reserve_fraction=reserve, max_in_flight=workers, clock=clock, sleep=lambda _: None
    )
    store = SimStore(QUOTA, WINDOW, other_app_share)
    events: list[tuple[float, int, str, t_Data]] = []
    order = 0

    def at(when: float, kind: str, data: t_Data = None) -> None:
        nonlocal order
        heapq.heappush(events, (when, order, kind, data))
        order += 1

    for _ in range(workers):
        at(0.0, "ask")
    parked = 0
    done = started = most = 0
    samples = []
    while events and done < requests:
        now, _, kind, data = heapq.heappop(events)
        clock.now = now
        if kind == "ask":
            if started >= requests:
                continue
            turn = budget.try_acquire()
            if turn is None:
                parked += 1  # woken by the next answer
            elif not isinstance(turn, Ticket):
                at(now + min(turn, 1.0), "ask")
            else:
                started += 1
                most = max(most, budget.view().in_flight)
                took = latency * rng.uniform(0.8, 1.2)
                if counts_on_arrival:
                    counted = store.count(now)
                    written = store.headers(now) if headers_on_arrival else None
                    at(now + took, "answer", (turn, counted, written))
                else:
                    at(now + took, "count", turn)
        elif kind == "count":
            at(now + 0.01, "answer", (data, store.count(now), None))
        else:
            turn, ok, written = data
            budget.release(turn, written or store.headers(now), status=200 if ok else 429)
            samples.append(budget.view().in_flight)
            if ok:
                done += 1
            else:
                started -= 1
            at(now + (0.0 if ok else 1.0), "ask")
            for _ in range(parked):
                at(now, "ask")
            parked = 0
    return Outcome(clock.now, store.counted, store.throttled, most, samples)


t_Data = object


STORES = {
    # Counts a request as it answers (the sandbox): its headers say so.
    "counted-late": {"counts_on_arrival": False},
    # Counts a request as it arrives, writes its headers as it answers.
    "on-arrival": {"counts_on_arrival": True},
    # A gateway: counts a request and writes its headers as it arrives, then the page
    # takes its time (the headers' reset is a response time old when they come).
    "gateway": {"counts_on_arrival": True, "headers_on_arrival": True},
}


@pytest.mark.parametrize("store", list(STORES))
@pytest.mark.parametrize("latency", [0.2, 1.0])
def test_the_quota_is_kept_busy_at_any_latency_without_429s(latency: float, store: str) -> None:
    outcome = simulate(latency=latency, **STORES[store])
    assert outcome.throttled == 0
    # Four workers would manage 4 / latency requests/s: 4/s of the quota's 15 at 1 s.
    assert outcome.ratio <= 1.25, outcome


def test_requests_in_flight_grow_with_the_store_latency() -> None:
    fast, slow = simulate(latency=0.2), simulate(latency=1.0)
    # Little's law: 15 requests/s x 0.2 s = 3 in flight, x 1 s = 15.
    assert fast.max_in_flight <= 8
    assert slow.max_in_flight >= 12
    assert slow.max_in_flight <= 32


def test_max_workers_is_only_a_ceiling() -> None:
    assert simulate(latency=1.0, workers=6).max_in_flight <= 6
    # Plenty of workers do not mean more in flight than the quota needs.
    assert simulate(latency=0.2, workers=32).max_in_flight <= 8


def test_another_app_spending_the_quota_slows_us_down_without_429s() -> None:
    alone = simulate(latency=0.5, requests=600)
    shared = simulate(latency=0.5, requests=600, other_app_share=1.0)
    assert shared.throttled == 0
    # Half the quota is the other app's: our requests take about twice as long.
    assert shared.seconds >= 1.7 * alone.seconds


def test_the_reserve_is_left_to_other_apps() -> None:
    outcome = simulate(latency=0.2, requests=600, reserve=0.2)
    assert outcome.throttled == 0
    assert outcome.ratio >= 1 / 0.8 * 0.98  # at most 80% of the quota


def test_before_the_store_has_answered_one_request_at_a_time() -> None:
    clock = SimClock()
    budget = RateBudget(max_in_flight=32, clock=clock, sleep=lambda _: None)
    first = budget.try_acquire()
    assert isinstance(first, Ticket)
    assert budget.try_acquire() is None  # nothing known of the quota yet: no burst
    clock.now = 0.5
    store = SimStore(QUOTA, WINDOW)
    store.count(0.5)
    budget.release(first, store.headers(0.5), status=200)
    assert isinstance(budget.try_acquire(), Ticket)


def test_push_back_halves_the_limit_once_per_burst_then_recovers_slowly() -> None:
    limit = InFlightLimit(32)
    assert limit.limit(15.0) == 1  # no answer yet
    limit.answered(1.0)
    assert limit.limit(15.0) == 24  # 15/s x 1 s x 1.5 headroom + 1
    limit.pushed_back(now=10.0, in_flight=20)
    assert limit.limit(15.0) == 10
    limit.pushed_back(now=10.5, in_flight=20)  # the same burst's other answers
    assert limit.limit(15.0) == 10
    limit.pushed_back(now=12.0, in_flight=10)
    assert limit.limit(15.0) == 5
    for _ in range(6):  # about one round trip's worth of good answers: one more
        limit.answered(1.0)
    assert limit.limit(15.0) == 6
    assert limit.limit(None) == 6  # no quota known: the ceiling, less the back-off


def test_429s_make_the_budget_back_off() -> None:
    clock = SimClock()
    budget = RateBudget(max_in_flight=32, clock=clock, sleep=lambda _: None)
    store = SimStore(1000, 30.0)
    turn = budget.try_acquire()
    assert isinstance(turn, Ticket)
    clock.now = 1.0
    store.count(1.0)
    budget.release(turn, store.headers(1.0), status=200)
    before = budget.view().limit
    turn = budget.try_acquire()
    assert isinstance(turn, Ticket)
    clock.now = 2.0
    budget.release(turn, store.headers(2.0), status=429)
    assert budget.view().limit <= max(before // 2, 1)
