"""End to end: `meltano run tap-bigcommerce target-postgres` into a real PostgreSQL server.

Real components only: this repository's meltano.yml, Meltano from `.meltano-venv`, the
pinned MeltanoLabs target-postgres, a PostgreSQL server started for the session, and the
sandbox store. Every table must hold exactly the store's records (no row lost, none
duplicated), a second run must update rows in place and add the new ones, and Meltano's
stored state must be the state the tap emitted.
"""

from __future__ import annotations

import json
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.e2e.meltano import MeltanoProject, MeltanoRun
from tests.e2e.postgres import PostgresServer
from tests.e2e.warehouse import Warehouse, check_against_truth, check_decimals

PIPELINE = ("tap-bigcommerce", "target-postgres")
STATE_ID = "dev:tap-bigcommerce-to-target-postgres"
PARENTS = ("orders", "products", "customers")
MONEY = {
    "orders": [
        "total_inc_tax",
        "subtotal_ex_tax",
        "shipping_cost_inc_tax",
        "currency_exchange_rate",
    ],
    "order_products": ["price_inc_tax", "base_total", "total_tax"],
    "order_shipping_addresses": ["cost_inc_tax"],
    "products": ["price", "cost_price"],
    "product_variants": ["price"],
}


@pytest.fixture
def sandbox() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=1, orders=80, products=40, customers=40, stores=2)) as sb:
        yield sb


def target_env(postgres: PostgresServer, database: str, schema: str) -> dict[str, str]:
    postgres.create_database(database)
    return {
        "TARGET_POSTGRES_HOST": postgres.host,
        "TARGET_POSTGRES_PORT": str(postgres.port),
        "TARGET_POSTGRES_USER": postgres.user,
        "TARGET_POSTGRES_PASSWORD": postgres.password,
        "TARGET_POSTGRES_DATABASE": database,
        "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": schema,
    }


def tap_env(sandbox: Sandbox, store_index: int = 0) -> dict[str, str]:
    config = sandbox.tap_config(store_index=store_index)
    return {
        "TAP_BIGCOMMERCE_API_URL": config["api_url"],
        "TAP_BIGCOMMERCE_STORE_HASH": config["store_hash"],
        "TAP_BIGCOMMERCE_ACCESS_TOKEN": config["access_token"],
        # The sandbox clock is moved past every change before a run instead.
        "TAP_BIGCOMMERCE_WINDOW_LAG_SECONDS": "0",
    }


def run(project: MeltanoProject, sandbox: Sandbox, *args: str, **env: str) -> MeltanoRun:
    sandbox.advance_clock(2)
    result = project.run(*args, *PIPELINE, env=env or None)
    assert result.returncode == 0, result.tail()
    return result


def test_full_then_incremental_sync_into_postgres(
    project: MeltanoProject, postgres: PostgresServer, sandbox: Sandbox
) -> None:
    project.env |= tap_env(sandbox) | target_env(postgres, "one_store", "bigcommerce")
    warehouse = Warehouse(postgres, "one_store", "bigcommerce")
    store = {sandbox.tap_config()["store_hash"]: 0}

    first = run(project, sandbox)
    counts = check_against_truth(warehouse, sandbox, store, [first])
    assert counts["orders"] == len(sandbox.truth("orders")) > 60
    # Money loads as numeric, every digit kept: v2 decimal strings and v3 numbers alike.
    assert check_decimals(warehouse, [first], MONEY) > 100
    assert project.state(STATE_ID)["singer_state"] == first.final_state

    edited = {resource: sandbox.edit(resource, 10) for resource in PARENTS}
    created = {resource: sandbox.create(resource, 5) for resource in PARENTS}
    second = run(project, sandbox)

    # Incremental: the second run read the changes, not the store again.
    for resource in PARENTS:
        ids = {record["id"] for record in second.records(resource)}
        assert set(edited[resource]) | set(created[resource]) <= ids, resource
        assert len(ids) < len(sandbox.truth(resource)) / 2, resource
    # Rows updated in place (date_modified as the store has it now), new rows added,
    # none duplicated: exactly the store's records, table by table.
    after = check_against_truth(warehouse, sandbox, store, [first, second])
    for resource in PARENTS:
        assert after[resource] == counts[resource] + 5, resource
    assert project.state(STATE_ID)["singer_state"] == second.final_state
    assert second.final_state != first.final_state


def test_two_stores_in_one_run_share_tables_without_collisions(
    project: MeltanoProject, postgres: PostgresServer, sandbox: Sandbox
) -> None:
    stores = [sandbox.tap_config(store_index=i) for i in (0, 1)]
    project.env |= tap_env(sandbox) | target_env(postgres, "two_stores", "bigcommerce")
    del project.env["TAP_BIGCOMMERCE_STORE_HASH"], project.env["TAP_BIGCOMMERCE_ACCESS_TOKEN"]
    project.env["TAP_BIGCOMMERCE_STORES"] = json.dumps(
        [{"store_hash": s["store_hash"], "access_token": s["access_token"]} for s in stores]
    )
    warehouse = Warehouse(postgres, "two_stores", "bigcommerce")
    hashes = {s["store_hash"]: i for i, s in enumerate(stores)}

    first = run(project, sandbox)
    counts = check_against_truth(warehouse, sandbox, hashes, [first])
    for resource in PARENTS:
        assert counts[resource] == sum(len(sandbox.truth(resource, store_index=i)) for i in (0, 1))
    # Both stores number their records alike: only store_hash keeps rows apart.
    order_keys = warehouse.keys("orders", ["store_hash", "id"])
    ids = [{key[1] for key in order_keys if key[0] == h} for h in hashes]
    assert len(ids[0] & ids[1]) > 30

    sandbox.edit("orders", 10, store_index=1)
    sandbox.create("customers", 3, store_index=0)
    second = run(project, sandbox)
    check_against_truth(warehouse, sandbox, hashes, [first, second])
    state = project.state(STATE_ID)["singer_state"]
    assert state == second.final_state
    partitions = state["bookmarks"]["orders"]["partitions"]
    assert sorted(p["context"]["store_hash"] for p in partitions) == sorted(hashes)


def test_one_job_per_store_into_the_same_tables(
    project: MeltanoProject, postgres: PostgresServer, sandbox: Sandbox
) -> None:
    """The README's alternative: one `meltano run` per store, each with its own state id."""
    target = target_env(postgres, "job_per_store", "bigcommerce")
    warehouse = Warehouse(postgres, "job_per_store", "bigcommerce")
    hashes = {sandbox.tap_config(store_index=i)["store_hash"]: i for i in (0, 1)}
    runs = []
    for store_hash, index in hashes.items():
        env = tap_env(sandbox, index) | target
        runs.append(run(project, sandbox, f"--state-id-suffix={store_hash}", **env))
    check_against_truth(warehouse, sandbox, hashes, runs)
    for (store_hash, index), result in zip(hashes.items(), runs, strict=True):
        state = project.state(f"{STATE_ID}:{store_hash}")["singer_state"]
        assert state == result.final_state
        partitions = state["bookmarks"]["orders"]["partitions"]
        assert [p["context"]["store_hash"] for p in partitions] == [store_hash], index
