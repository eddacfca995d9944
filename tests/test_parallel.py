"""Parallel reading: the same records as one worker, a few more requests at most, no 429s."""

from __future__ import annotations

import math
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.sandbox_helpers import latest_versions_missing
from tests.tapio import CORE_STREAMS, run_tap

STREAMS = CORE_STREAMS


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=17, orders=6000, products=20, customers=20)) as sandbox:
        yield sandbox


def orders_requests(sandbox: Sandbox) -> int:
    counts = sandbox.stats()["by_endpoint"].get("GET /v2/orders", {})
    return sum(counts.values())


def test_parallel_ranges_read_the_same_records_as_one_worker(store: Sandbox) -> None:
    base = {**store.tap_config(), "window_lag_seconds": 0}
    store.reset_stats()
    serial = run_tap({**base, "max_workers": 1}, streams=STREAMS)
    serial_requests = orders_requests(store)
    store.reset_stats()
    parallel = run_tap({**base, "max_workers": 4}, streams=STREAMS)
    parallel_requests = orders_requests(store)
    assert serial.returncode == 0, serial.stderr[-2000:]
    assert parallel.returncode == 0, parallel.stderr[-2000:]

    def keyed(run: t.Any, stream: str) -> dict[t.Any, t.Any]:
        return {r["id"]: r for r in run.records(stream)}

    for stream in ("orders", "order_products", "order_shipping_addresses"):
        assert keyed(parallel, stream) == keyed(serial, stream), stream
    assert latest_versions_missing(store.truth("orders"), [parallel], "orders") == []

    live = len(store.truth("orders"))
    minimum = math.ceil(live / 250)
    # One keyset pass needs the minimum (plus the empty deleted-orders page, if any);
    # parallel ranges may each end on a partly filled page: at most one per worker.
    assert serial_requests <= minimum + 2
    assert parallel_requests <= serial_requests + 4
