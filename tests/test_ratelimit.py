"""The shared budget waits for the window instead of spending requests on 429s."""

from __future__ import annotations

from tap_bigcommerce.ratelimit import RateBudget


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def headers(left: int, reset_ms: int, quota: int = 150) -> dict[str, str]:
    return {
        "X-Rate-Limit-Requests-Quota": str(quota),
        "X-Rate-Limit-Requests-Left": str(left),
        "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
        "X-Rate-Limit-Time-Window-Ms": "30000",
    }


def test_no_wait_while_quota_is_left() -> None:
    clock = FakeClock()
    budget = RateBudget(clock=clock, sleep=clock.sleep)
    budget.observe(headers(left=3, reset_ms=5000))
    for _ in range(3):
        budget.wait_for_turn()
    assert clock.slept == []
    budget.wait_for_turn()  # the fourth request would exceed the quota
    assert clock.slept == [5.0]


def test_reserve_keeps_part_of_the_quota_for_other_apps() -> None:
    clock = FakeClock()
    budget = RateBudget(reserve_fraction=0.2, clock=clock, sleep=clock.sleep)
    budget.observe(headers(left=30, reset_ms=2000))  # 30 left = exactly the 20% reserve
    budget.wait_for_turn()
    assert clock.slept == [2.0]


def test_throttled_delay_prefers_retry_after_then_reset() -> None:
    budget = RateBudget()
    assert budget.throttled_delay({"X-Retry-After": "3"}) == 3.0
    assert budget.throttled_delay(headers(left=0, reset_ms=1500)) == 1.5
    assert budget.throttled_delay({}) is None
