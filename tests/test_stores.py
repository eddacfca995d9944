"""Many stores in one run: records carry their store, state is kept per store."""

from __future__ import annotations

import collections
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.sandbox_helpers import latest_versions_missing
from tests.tapio import CORE_STREAMS, run_tap

STREAMS = (*CORE_STREAMS, "product_options", "product_modifiers")

PARENTS = ("orders", "products", "customers")


@pytest.fixture(scope="module")
def two_stores() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=21, orders=300, products=120, customers=150, stores=2)) as sb:
        yield sb


def stores_config(sb: Sandbox) -> dict[str, t.Any]:
    first, second = sb.tap_config(store_index=0), sb.tap_config(store_index=1)
    return {
        "api_url": first["api_url"],
        "window_lag_seconds": 0,
        "stores": [
            {"store_hash": first["store_hash"], "access_token": first["access_token"]},
            {"store_hash": second["store_hash"], "access_token": second["access_token"]},
        ],
    }


def test_two_stores_load_into_the_same_streams_without_collisions(two_stores: Sandbox) -> None:
    config = stores_config(two_stores)
    hashes = [store["store_hash"] for store in config["stores"]]
    run = run_tap(config, streams=STREAMS)
    assert run.returncode == 0, run.stderr[-3000:]

    for stream in STREAMS:
        records = run.records(stream)
        keys = collections.Counter((r["store_hash"], r["id"]) for r in records)
        assert keys, f"{stream}: no records"
        assert max(keys.values()) == 1, f"{stream}: duplicate primary keys"
        assert {r["store_hash"] for r in records} == set(hashes), stream
    # Both stores number their records alike: only store_hash tells them apart.
    ids_by_store = [
        {r["id"] for r in run.records("orders") if r["store_hash"] == h} for h in hashes
    ]
    assert ids_by_store[0] & ids_by_store[1]

    for index, store_hash in enumerate(hashes):
        for resource in PARENTS:
            truth = two_stores.truth(resource, store_index=index)
            mine = [r for r in run.records(resource) if r["store_hash"] == store_hash]
            run_of_one_store = type(run)(
                0, "", "", [{"type": "RECORD", "stream": resource, "record": r} for r in mine]
            )
            assert latest_versions_missing(truth, [run_of_one_store], resource) == []
            assert run.bookmark(resource, store_hash) is not None


def test_state_is_kept_per_store(two_stores: Sandbox) -> None:
    config = stores_config(two_stores)
    first = run_tap(config, streams=STREAMS)
    two_stores.edit("orders", 7, store_index=1)
    two_stores.advance_clock(2)
    second = run_tap(config, state=first.final_state, streams=STREAMS)
    assert second.returncode == 0, second.stderr[-3000:]
    edited_store = config["stores"][1]["store_hash"]
    assert {r["store_hash"] for r in second.records("orders")} == {edited_store}
    assert len(second.records("orders")) == 7
    partitions = second.final_state["bookmarks"]["orders"]["partitions"]
    assert sorted(p["context"]["store_hash"] for p in partitions) == sorted(
        s["store_hash"] for s in config["stores"]
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"store_hash": "abc123"}, "store_hash and stores"),
        ({"stores": [{"store_hash": "a1", "access_token": "x"}] * 2}, "listed twice"),
        ({"stores": [{"access_token": "x"}]}, "store_hash"),
        ({"stores": [{"store_hash": "Not A Hash", "access_token": "x"}]}, "store_hash"),
    ],
)
def test_bad_store_lists_are_refused_before_any_request(
    two_stores: Sandbox, change: dict[str, t.Any], message: str
) -> None:
    config = {**stores_config(two_stores), **change}
    two_stores.reset_stats()
    run = run_tap(config, streams=STREAMS)
    assert run.returncode != 0
    assert message in run.stderr
    assert two_stores.stats()["requests"] == 0
