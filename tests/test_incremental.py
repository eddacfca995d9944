"""Exact incremental replication, proven against the sandbox store's ground truth.

DESIGN §3: a window fixed at sync start from the store's clock, keyset paging on id
inside it, inclusive lower bound. Whatever happens to the store between and during
runs, the union of the runs' outputs holds every record at its latest version.
"""

from __future__ import annotations

import json
import signal
import time
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.sandbox_helpers import ids, latest_versions_missing
from tests.tapio import CORE_STREAMS, TapRun, finish, run_tap, start_tap

STREAMS = CORE_STREAMS

LAG = 2
PARENTS = ("orders", "products", "customers")


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=11, orders=1300, products=600, customers=600)) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def config(store: Sandbox) -> dict[str, t.Any]:
    return {**store.tap_config(), "window_lag_seconds": LAG}


def requests_during(store: Sandbox, action: t.Callable[[], TapRun]) -> tuple[TapRun, int]:
    store.reset_stats()
    run = action()
    return run, store.stats()["requests"]


def wait_for_requests(store: Sandbox, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while store.stats()["requests"] < count:
        assert time.monotonic() < deadline, "the tap never started requesting"
        time.sleep(0.02)


def largest_same_second_run(truth: list[dict[str, t.Any]]) -> int:
    counts: dict[str, int] = {}
    for row in truth:
        counts[row["date_modified"]] = counts.get(row["date_modified"], 0) + 1
    return max(counts.values())


def test_full_then_incremental_runs_lose_nothing(store: Sandbox, config: dict[str, t.Any]) -> None:
    for resource in PARENTS:
        # The hazard this test exists for: more records in one second than fit a page.
        assert largest_same_second_run(store.truth(resource)) > 250

    first, full_requests = requests_during(store, lambda: run_tap(config, streams=STREAMS))
    assert first.returncode == 0, first.stderr[-3000:]
    for resource in PARENTS:
        assert latest_versions_missing(store.truth(resource), [first], resource) == []
        assert first.bookmark(resource) is not None
    assert {row["id"] for row in store.truth("order_products")} <= ids(first, "order_products")
    assert {row["id"] for row in store.truth("variants")} <= ids(first, "product_variants")
    assert {row["id"] for row in store.truth("customer_addresses")} <= ids(
        first, "customer_addresses"
    )

    # Changes between runs...
    for resource in PARENTS:
        store.edit(resource, 30)
        store.create(resource, 10)
    store.advance_clock(LAG + 1)

    # ...and during the next run: it is slowed down and the store edited mid-flight.
    store.configure(latency_ms=40)
    store.reset_stats()
    process, _ = start_tap(config, state=first.final_state, streams=STREAMS)
    wait_for_requests(store, 3)
    for resource in PARENTS:
        store.edit(resource, 15)
        store.create(resource, 5)
    second = finish(process)
    store.configure(latency_ms=0)
    assert second.returncode == 0, second.stderr[-3000:]

    store.advance_clock(LAG + 1)
    third, incremental_requests = requests_during(
        store, lambda: run_tap(config, state=second.final_state, streams=STREAMS)
    )
    assert third.returncode == 0, third.stderr[-3000:]

    for resource in PARENTS:
        missing = latest_versions_missing(store.truth(resource), [first, second, third], resource)
        assert missing == [], f"{resource}: {len(missing)} records never emitted at their latest"

    # Only the mid-run edits (20 per stream) are left for the third run: one page each,
    # plus the clock and the store record; a full sync needs a page per 250 records.
    # (+1: orders also reads the window's deleted orders, one page when there are few;
    # +1: the orders window is checked against /v2/orders/count before its bookmark moves.)
    assert incremental_requests == 1 + 1 + len(PARENTS) + 1 + 1
    assert full_requests >= 1 + 1 + 6 + 3 + 3


def test_state_is_small_and_final(store: Sandbox, config: dict[str, t.Any]) -> None:
    run = run_tap(config, streams=STREAMS)
    assert run.returncode == 0, run.stderr[-3000:]
    state = run.final_state
    for stream, entry in state["bookmarks"].items():
        # One partition per store at most: never one per parent record.
        assert len(entry.get("partitions", [])) <= 1, f"{stream} keeps state per parent"
        assert "progress_markers" not in json.dumps(entry)
    # Deletion sweeps keep their known ids as ranges (tests/test_deletes.py, bounded by
    # `deletes_max_id_ranges`); everything else stays O(streams).
    sweeps = [
        partition.pop("deletes")
        for entry in state["bookmarks"].values()
        for partition in entry.get("partitions", [])
        if "deletes" in partition
    ]
    assert len(json.dumps(state)) < 2000
    assert len(sweeps) == 2  # products and customers, with their embedded children
    # Every window ends at the same instant: the store's clock at the start, minus the lag.
    assert len({run.bookmark(resource) for resource in PARENTS}) == 1


def test_a_second_run_with_no_changes_reads_one_page_per_stream(
    store: Sandbox, config: dict[str, t.Any]
) -> None:
    first = run_tap(config, streams=STREAMS)
    store.advance_clock(LAG + 1)
    again, requests = requests_during(
        store, lambda: run_tap(config, state=first.final_state, streams=STREAMS)
    )
    assert again.returncode == 0
    assert requests == 1 + 1 + len(PARENTS) + 1 + 1  # + the deleted-orders page, the count
    assert again.records("orders") == []


def test_a_crash_mid_sync_loses_nothing(store: Sandbox, config: dict[str, t.Any]) -> None:
    baseline = run_tap(config, streams=STREAMS)
    for resource in PARENTS:
        store.edit(resource, 400)
    store.advance_clock(LAG + 1)

    store.configure(latency_ms=50)
    store.reset_stats()
    process, _ = start_tap(config, state=baseline.final_state, streams=STREAMS)
    wait_for_requests(store, 4)
    process.send_signal(signal.SIGKILL)
    crashed = finish(process)
    store.configure(latency_ms=0)
    assert crashed.returncode != 0

    # The target keeps the last STATE it received; the next run resumes from it.
    resumed = run_tap(config, state=crashed.final_state or baseline.final_state, streams=STREAMS)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    for resource in PARENTS:
        runs = [baseline, crashed, resumed]
        assert latest_versions_missing(store.truth(resource), runs, resource) == []
    # Each stream's 400 edits arrive in the crashed run (if its window completed and
    # its STATE got out) or in the resumed one, which re-reads unfinished windows whole.
    for resource in PARENTS:
        delivered = len(crashed.records(resource)) + len(resumed.records(resource))
        assert delivered >= 400, (resource, delivered)
