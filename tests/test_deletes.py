"""Deleted records, found by id sweeps, proven against the sandbox store's ground truth.

Through the real command: the store deletes products, single variants, customers and
coupons between runs (its admin API), and the next run must emit one record with
`_sdc_deleted_at` per vanished key, children of deleted parents included, and nothing
else; the sweep interval must hold (no sweep requests when not due); a sweep cut short
reports nothing and is redone; a re-created record is one delete plus one new record;
a stream whose ids would take too much state is named, not swept.
"""

from __future__ import annotations

import signal
import time
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.tapio import TapRun, finish, run_tap, start_tap

STREAMS = (
    "products",
    "product_variants",
    "customers",
    "customer_addresses",
    "coupons",
)
# Sandbox resource behind each stream (ground truth), and the tap stream it feeds.
TRUTH = {
    "products": "products",
    "product_variants": "variants",
    "customers": "customers",
    "customer_addresses": "customer_addresses",
    "coupons": "coupons",
}
PRODUCTS = "GET /v3/catalog/products"


@pytest.fixture
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=23, orders=20, products=600, customers=300)) as sandbox:
        yield sandbox


@pytest.fixture
def config(store: Sandbox) -> dict[str, t.Any]:
    return {**store.tap_config(), "window_lag_seconds": 0}


def keys_in_store(store: Sandbox) -> dict[str, set[t.Any]]:
    return {stream: {row["id"] for row in store.truth(TRUTH[stream])} for stream in STREAMS}


def deleted(run: TapRun, stream: str) -> set[t.Any]:
    records = [record for record in run.records(stream) if "_sdc_deleted_at" in record]
    for record in records:
        assert set(record) == {"store_hash", "id", "_sdc_deleted_at"}, record
        assert record["_sdc_deleted_at"]
    return {record["id"] for record in records}


def live(run: TapRun, stream: str) -> list[dict[str, t.Any]]:
    return [record for record in run.records(stream) if "_sdc_deleted_at" not in record]


def product_requests(store: Sandbox) -> int:
    return sum(store.stats()["by_endpoint"].get(PRODUCTS, {}).values())


def delete_some(store: Sandbox) -> None:
    store.delete("products", 4)
    store.delete("variants", 5)
    store.delete("customers", 3)
    store.delete("coupons", 2)
    store.advance_clock(1)


def test_the_next_sweep_emits_exactly_the_vanished_keys(
    store: Sandbox, config: dict[str, t.Any]
) -> None:
    first = run_tap(config, streams=STREAMS)
    assert first.returncode == 0, first.stderr[-3000:]
    assert all(deleted(first, stream) == set() for stream in STREAMS)  # the first sweep records
    before = keys_in_store(store)

    delete_some(store)
    after = keys_in_store(store)
    due = {**config, "deletes_sweep_interval_hours": 0}
    second = run_tap(due, state=first.final_state, streams=STREAMS)
    assert second.returncode == 0, second.stderr[-3000:]

    for stream in STREAMS:
        assert deleted(second, stream) == before[stream] - after[stream], stream
    # A deleted product's variants go with it, besides the variants deleted one by one.
    assert len(before["product_variants"] - after["product_variants"]) > 5
    assert len(before["customer_addresses"] - after["customer_addresses"]) > 0
    # Nothing else: incremental streams had no changes, coupons are read whole as they are.
    for stream in ("products", "product_variants", "customers", "customer_addresses"):
        assert live(second, stream) == [], stream
    assert {record["id"] for record in live(second, "coupons")} == after["coupons"]
    # The deletion records' SCHEMA holds the key and the marker; the full one follows.
    schemas = second.schema_messages("products")
    assert set(schemas[-2]["schema"]["properties"]) == {"store_hash", "id", "_sdc_deleted_at"}
    assert "name" in schemas[-1]["schema"]["properties"]

    # Once reported, a deletion is not reported again.
    third = run_tap(due, state=second.final_state, streams=STREAMS)
    assert all(deleted(third, stream) == set() for stream in STREAMS)


def test_no_sweep_requests_until_the_interval_has_passed(
    store: Sandbox, config: dict[str, t.Any]
) -> None:
    first = run_tap(config, streams=("products", "product_variants"))
    delete_some(store)

    store.reset_stats()
    without = run_tap(
        {**config, "capture_deletes": False}, state=first.final_state, streams=("products",)
    )
    plain_read = product_requests(store)

    store.reset_stats()
    early = run_tap(config, state=first.final_state, streams=("products", "product_variants"))
    assert early.returncode == 0
    assert without.returncode == 0
    assert product_requests(store) == plain_read  # 24 hours have not passed: no listing
    assert deleted(early, "products") == set()

    store.advance_clock(24 * 3600 + 60)
    store.reset_stats()
    later = run_tap(config, state=early.final_state, streams=("products", "product_variants"))
    # 600 products: the listing takes at least 600 / 250 pages besides the read.
    assert product_requests(store) >= plain_read + 3
    assert len(deleted(later, "products")) == 4
    assert len(deleted(later, "product_variants")) > 5


def test_a_sweep_cut_short_reports_nothing_and_is_redone(
    store: Sandbox, config: dict[str, t.Any]
) -> None:
    streams = ("products", "product_variants")
    due = {**config, "deletes_sweep_interval_hours": 0, "max_workers": 1}
    first = run_tap(due, streams=streams)
    gone = set(store.delete("products", 4))
    store.advance_clock(1)

    store.reset_stats()
    run_tap({**due, "capture_deletes": False}, state=first.final_state, streams=streams)
    plain_read = product_requests(store)

    store.configure(latency_ms=300)
    store.reset_stats()
    process, _ = start_tap(due, state=first.final_state, streams=streams)
    deadline = time.monotonic() + 60
    while product_requests(store) <= plain_read:  # the sweep's first page is under way
        assert time.monotonic() < deadline, "the sweep never started"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    crashed = finish(process)
    store.configure(latency_ms=0)
    assert crashed.returncode != 0
    assert deleted(crashed, "products") == set()

    resumed = run_tap(due, state=crashed.final_state or first.final_state, streams=streams)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert deleted(resumed, "products") == gone


def test_a_record_deleted_and_created_anew_is_one_delete_and_one_new_record(
    store: Sandbox, config: dict[str, t.Any]
) -> None:
    due = {**config, "deletes_sweep_interval_hours": 0}
    first = run_tap(due, streams=("customers",))
    (old,) = store.delete("customers", 1)
    (new,) = store.create("customers", 1)
    store.advance_clock(1)
    second = run_tap(due, state=first.final_state, streams=("customers",))
    assert deleted(second, "customers") == {old}
    assert [record["id"] for record in live(second, "customers")] == [new]


def test_a_record_created_and_deleted_between_sweeps_is_reported(
    store: Sandbox, config: dict[str, t.Any]
) -> None:
    """Ids the runs wrote since the last sweep are known to it, not only the sweep's own."""
    first = run_tap(config, streams=("products",))
    (created,) = store.create("products", 1)
    store.advance_clock(1)
    second = run_tap(config, state=first.final_state, streams=("products",))  # not due
    assert [record["id"] for record in live(second, "products")] == [created]
    assert store.delete("products", ids=[created]) == [created]
    store.advance_clock(24 * 3600 + 60)
    third = run_tap(config, state=second.final_state, streams=("products",))
    assert created in deleted(third, "products")


def test_a_stream_whose_ids_exceed_the_bound_is_named_and_not_swept(
    store: Sandbox, config: dict[str, t.Any]
) -> None:
    bounded = {**config, "deletes_max_id_ranges": 50, "deletes_sweep_interval_hours": 0}
    streams = ("customers", "customer_addresses")
    first = run_tap(bounded, streams=streams)
    assert first.returncode == 0
    assert "deletes are not captured for 'customer_addresses'" in first.stderr
    partition = first.final_state["bookmarks"]["customers"]["partitions"][0]["deletes"]
    assert partition["children"]["customer_addresses"] is None
    assert partition["too_large"]["customer_addresses"] > 50
    assert partition["ids"] == [[1, 300]]  # customers' ids fit in one range

    store.delete("customers", 3)
    store.advance_clock(1)
    second = run_tap(bounded, state=first.final_state, streams=streams)
    assert len(deleted(second, "customers")) == 3
    assert deleted(second, "customer_addresses") == set()


def test_a_parent_read_only_for_its_children_reports_only_the_childrens_deletes(
    store: Sandbox, config: dict[str, t.Any]
) -> None:
    due = {**config, "deletes_sweep_interval_hours": 0}
    first = run_tap(due, streams=("product_variants",))
    before = keys_in_store(store)["product_variants"]
    with_variants = sorted({row["parent_id"] for row in store.truth("variants")})
    store.delete("products", ids=with_variants[:2])
    store.advance_clock(1)
    second = run_tap(due, state=first.final_state, streams=("product_variants",))
    assert second.streams_with_records() == {"product_variants"}
    vanished = before - keys_in_store(store)["product_variants"]
    assert vanished
    assert deleted(second, "product_variants") == vanished
