"""The shared budget spreads requests over the window instead of spending them on 429s."""

from __future__ import annotations

import itertools
import threading

import pytest

from tap_bigcommerce.rate_headers import throttled_delay
from tap_bigcommerce.ratelimit import RateBudget, Ticket


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds


def headers(left: int, reset_ms: int, quota: int = 150) -> dict[str, str]:
    return {
        "X-Rate-Limit-Requests-Quota": str(quota),
        "X-Rate-Limit-Requests-Left": str(left),
        "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
        "X-Rate-Limit-Time-Window-Ms": "30000",
    }


def one_request(budget: RateBudget, answer: dict[str, str] | None) -> None:
    turn = budget.acquire()
    budget.release(turn, answer, status=200)


def test_requests_are_spread_evenly_over_what_is_left_of_the_window() -> None:
    clock = FakeClock()
    budget = RateBudget(clock=clock, sleep=clock.sleep)
    one_request(budget, headers(left=10, reset_ms=10_000))
    starts = []
    for left in range(9, 0, -1):
        turn = budget.acquire()
        starts.append(clock.now)
        budget.release(
            turn, headers(left=left, reset_ms=int((110.0 - clock.now) * 1000)), status=200
        )
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # 10 requests left for 10 s: about one a second, never a burst, never past the reset.
    assert all(0.9 <= gap <= 1.3 for gap in gaps), gaps
    assert starts[-1] < 110.0


def test_a_spent_quota_waits_for_the_reset() -> None:
    clock = FakeClock()
    budget = RateBudget(clock=clock, sleep=clock.sleep)
    one_request(budget, headers(left=0, reset_ms=5000))
    turn = budget.acquire()
    assert clock.now >= 105.0
    budget.release(turn, headers(left=149, reset_ms=30_000), status=200)


def test_reserve_keeps_part_of_the_quota_for_other_apps() -> None:
    clock = FakeClock()
    budget = RateBudget(reserve_fraction=0.2, clock=clock, sleep=clock.sleep)
    one_request(budget, headers(left=30, reset_ms=2000))  # 30 left = exactly the 20% reserve
    budget.acquire()
    assert clock.now >= 102.0


def test_another_app_draining_the_quota_slows_us_down() -> None:
    clock = FakeClock()
    budget = RateBudget(clock=clock, sleep=clock.sleep)
    one_request(budget, headers(left=100, reset_ms=10_000))
    turn = budget.acquire()
    fast = clock.now
    # Someone else spent 95 requests: 5 left for the rest of the window.
    budget.release(turn, headers(left=5, reset_ms=10_000), status=200)
    turn = budget.acquire()
    budget.release(turn, headers(left=4, reset_ms=9_000), status=200)
    budget.acquire()
    assert clock.now - fast >= 1.5


def test_out_of_order_answers_keep_the_lowest_reading() -> None:
    budget = RateBudget()
    for left in (50, 48, 49):
        one_request(budget, headers(left=left, reset_ms=20_000))
    view = budget.view()
    assert (view.left, view.quota) == (48, 150)


def test_throttled_delay_prefers_retry_after_then_reset() -> None:
    assert throttled_delay({"X-Retry-After": "3"}) == 3.0
    assert throttled_delay(headers(left=0, reset_ms=1500)) == 1.5
    assert throttled_delay({}) is None


def test_a_window_left_unused_is_caught_up_at_most_three_times_the_steady_rate() -> None:
    # 45 per 3 s is 15/s; 40 left with 2 s to go (the run's first, dependent requests
    # left the window's first second unused): faster than 15/s, never faster than 45/s,
    # and never more than the window has left.
    clock = FakeClock()
    budget = RateBudget(clock=clock, sleep=clock.sleep)
    quota = {"quota": 45, "window_ms": 3000}
    one_request(budget, window_headers(left=40, reset_ms=2000, **quota))
    starts = []
    for left in range(39, 24, -1):
        turn = budget.acquire()
        starts.append(clock.now)
        reset_ms = int((102.0 - clock.now) * 1000)
        budget.release(turn, window_headers(left=left, reset_ms=reset_ms, **quota), status=200)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(1 / 45 - 1e-9 <= gap < 1 / 15 for gap in gaps), gaps
    assert starts[-1] < 102.0


def test_a_late_answer_of_an_ended_window_does_not_hold_the_next_one() -> None:
    clock = FakeClock()
    budget = RateBudget(clock=clock, sleep=clock.sleep)
    one_request(budget, headers(left=120, reset_ms=20_000))
    # An answer of the window before, slow to come: spent, and resetting long ago.
    turn = budget.acquire()
    budget.release(turn, headers(left=0, reset_ms=10), status=200)
    turn_or_wait = budget.try_acquire()
    # The next turn at the steady pace (a fifth of a second), not at the window's reset.
    assert isinstance(turn_or_wait, Ticket) or (turn_or_wait is not None and turn_or_wait < 1)


def test_a_stream_read_ahead_yields_turns_to_the_stream_being_written() -> None:
    clock = FakeClock()
    waiting = threading.Event()
    stop = threading.Event()

    def sleep(seconds: float) -> None:
        waiting.set()
        stop.wait(0.005)

    budget = RateBudget(clock=clock, sleep=sleep)
    one_request(budget, headers(left=100, reset_ms=20_000, quota=100))
    turn = budget.try_acquire(urgent=False)
    assert isinstance(turn, Ticket)  # nobody else wants it
    budget.release(turn, headers(left=99, reset_ms=20_000, quota=100), status=200)
    urgent = threading.Thread(target=budget.acquire, daemon=True)
    urgent.start()  # waits for the next turn (the steady pace)
    assert waiting.wait(5)
    try:
        # Not a wait for the pace (seconds): no turn while an urgent request waits.
        assert budget.try_acquire(urgent=False) is None
    finally:
        clock.now += 60  # the urgent request gets its turn and the thread ends
        urgent.join(5)
        stop.set()
    assert not urgent.is_alive()


def window_headers(*, left: int, reset_ms: int, quota: int, window_ms: int) -> dict[str, str]:
    return {
        "X-Rate-Limit-Requests-Quota": str(quota),
        "X-Rate-Limit-Requests-Left": str(left),
        "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
        "X-Rate-Limit-Time-Window-Ms": str(window_ms),
    }


@pytest.mark.parametrize("max_in_flight", [32, 20])
def test_requests_of_an_ended_window_do_not_hold_the_next_one_back(max_in_flight: int) -> None:
    # 45 per 3 s at 1 s a request: the steady 15/s needs about 24 in flight. A window's
    # catch-up at its end leaves that many in flight past its reset; the next window is
    # counted afresh, so its first requests go out at once, not when those answer. The
    # max_workers ceiling still counts every request in flight.
    clock = FakeClock()
    budget = RateBudget(max_in_flight=max_in_flight, clock=clock, sleep=clock.sleep)
    quota = {"quota": 45, "window_ms": 3000}
    turn = budget.acquire()
    clock.now += 1.0
    budget.release(turn, window_headers(left=44, reset_ms=2000, **quota), status=200)
    stragglers = []
    while True:
        turn_or_wait = budget.try_acquire()
        if turn_or_wait is None:
            break  # as many in flight as the rate needs
        if isinstance(turn_or_wait, Ticket):
            stragglers.append(turn_or_wait)
        else:
            clock.now += turn_or_wait
    # The answer came 2 s before the reset (at 103 read cautiously, headers written as the
    # request answered): all were sent in that window.
    assert 15 <= len(stragglers) <= min(max_in_flight, 31)
    assert clock.now < 103.0
    clock.now = 103.1  # the window has reset; none of them has answered yet
    turn_or_wait = budget.try_acquire()
    if max_in_flight == 32:
        assert len(stragglers) < 32
        assert isinstance(turn_or_wait, Ticket), turn_or_wait
    else:
        assert len(stragglers) == max_in_flight
        assert turn_or_wait is None
