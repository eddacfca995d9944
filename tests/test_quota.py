"""Through the real command: requests in flight follow the store's latency under a quota.

The sandbox enforces 45 requests per 3 s (BigCommerce's Pro rate, window shortened) and
counts, in `/__admin/stats`, the most requests it served at once. A slower store needs
more requests in flight for the same rate (Little's law); the tap must keep as many as
that rate needs, no more, and never be answered 429, not even at its start.
"""

from __future__ import annotations

import re
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.sandbox_helpers import latest_versions_missing
from tests.tapio import run_tap

QUOTA, WINDOW_MS = 45, 3000


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    options = SandboxOptions(
        seed=23, orders=10_000, products=5, customers=5, quota=QUOTA, window_ms=WINDOW_MS
    )
    with Sandbox(options) as sandbox:
        yield sandbox


def read_orders(store: Sandbox, latency_ms: int) -> tuple[t.Any, dict[str, t.Any]]:
    store.configure(latency_ms=latency_ms)
    store.reset_stats()
    config = {
        **store.tap_config(),
        "window_lag_seconds": 0,
        "rate_limit_reserve": 0,
        "progress_interval_seconds": 1,
    }
    run = run_tap(config, streams=["orders"])
    assert run.returncode == 0, run.stderr[-2000:]
    assert latest_versions_missing(store.truth("orders"), [run], "orders") == []
    return run, store.stats()


def test_requests_in_flight_grow_with_latency_and_no_request_is_throttled(
    store: Sandbox,
) -> None:
    _, fast = read_orders(store, latency_ms=100)
    slow_run, slow = read_orders(store, latency_ms=1000)
    assert fast["throttled"] == 0
    assert slow["throttled"] == 0
    # 15 requests/s: 1.5 in flight at 100 ms (with headroom, and the store's own time to
    # answer on a busy machine, a few more), 15 at 1 s (the ranges of 40 pages cap it at
    # 10): the default ceiling of 32 is not what the tap keeps in flight.
    assert fast["max_in_flight"] <= 8
    assert slow["max_in_flight"] >= 7
    assert slow["max_in_flight"] > fast["max_in_flight"]
    # The progress lines say how fast against the quota, and how many are in flight.
    lines = [line for line in slow_run.stderr.splitlines() if "Stream 'orders'" in line]
    assert any(re.search(r"the quota allows 15\.0/s\), \d+ in flight", line) for line in lines)
