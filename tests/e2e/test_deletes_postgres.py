"""End to end: records the store deleted, marked in PostgreSQL by `_sdc_deleted_at`.

`meltano run tap-bigcommerce target-postgres` (this repository's meltano.yml, upsert)
before and after the store deletes products, single variants, customers and coupons:
the rows of exactly the vanished keys (children of deleted parents included) get
`_sdc_deleted_at`, every other column of every row stays as it was, and no other row
changes. target-postgres 0.8.1 applies `hard_delete` to ACTIVATE_VERSION messages only
(its `sinks.py`), so with `hard_delete: true` the rows are marked as well, not dropped:
the last part pins that, so the README's advice changes when the target does.
"""

from __future__ import annotations

import json
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.e2e.meltano import MeltanoProject, MeltanoRun
from tests.e2e.postgres import PostgresServer
from tests.e2e.test_postgres import run, tap_env, target_env
from tests.e2e.warehouse import Warehouse

SCHEMA = "bigcommerce"
# Swept stream -> the sandbox resource holding its ground truth.
SWEPT = {
    "products": "products",
    "product_variants": "variants",
    "product_images": "images",
    "customers": "customers",
    "customer_addresses": "customer_addresses",
    "coupons": "coupons",
}


@pytest.fixture
def sandbox() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=3, orders=30, products=40, customers=40)) as sb:
        yield sb


def rows(warehouse: Warehouse, table: str) -> dict[str, dict[str, t.Any]]:
    """id -> the row's columns, without the loader's `_sdc_` metadata."""
    sql = f'SELECT id::text, row_to_json(t)::text FROM "{SCHEMA}"."{table}" t'  # noqa: S608
    out = {}
    for key, text in warehouse.server.query(sql, warehouse.database):
        row = json.loads(text)
        out[key] = {name: value for name, value in row.items() if not name.startswith("_sdc_")}
    return out


def marked(warehouse: Warehouse, table: str) -> set[str]:
    where = '"_sdc_deleted_at" IS NOT NULL'
    return {key[1] for key in warehouse.keys(table, ["store_hash", "id"], where)}


def truth_ids(sandbox: Sandbox) -> dict[str, set[str]]:
    return {
        stream: {str(row["id"]) for row in sandbox.truth(resource)}
        for stream, resource in SWEPT.items()
    }


def deletion_keys(result: MeltanoRun, stream: str) -> set[str]:
    return {str(r["id"]) for r in result.records(stream) if r.get("_sdc_deleted_at")}


def test_deleted_records_are_marked_and_nothing_else_changes(
    project: MeltanoProject, postgres: PostgresServer, sandbox: Sandbox
) -> None:
    project.env |= tap_env(sandbox) | target_env(postgres, "deletes", SCHEMA)
    project.env["TAP_BIGCOMMERCE_DELETES_SWEEP_INTERVAL_HOURS"] = "0"
    warehouse = Warehouse(postgres, "deletes", SCHEMA)

    run(project, sandbox)
    before = {table: rows(warehouse, table) for table in SWEPT}
    in_store = truth_ids(sandbox)
    assert all(marked(warehouse, table) == set() for table in SWEPT)

    sandbox.delete("products", 3)
    sandbox.delete("variants", 3)
    sandbox.delete("customers", 2)
    sandbox.delete("coupons", 2)
    second = run(project, sandbox)
    vanished = {stream: in_store[stream] - ids for stream, ids in truth_ids(sandbox).items()}

    for table in SWEPT:
        assert vanished[table], table
        assert deletion_keys(second, table) == vanished[table], table
        assert marked(warehouse, table) == vanished[table], table
        # Soft delete: the marked rows keep every column as it was, the rest too.
        assert rows(warehouse, table) == before[table], table

    # target-postgres' hard_delete does not drop rows marked by records (see above).
    sandbox.delete("customers", 1)
    third = run(project, sandbox, TARGET_POSTGRES_HARD_DELETE="true")
    (gone,) = deletion_keys(third, "customers")
    assert marked(warehouse, "customers") == vanished["customers"] | {gone}
    assert rows(warehouse, "customers") == before["customers"]
