"""The Dagster example, executed: three stores synced in parallel, state in PostgreSQL.

`examples/dagster/definitions.py` runs with Dagster from `.dagster-venv` (installed by
`make test` from requirements/dagster.lock.txt) through Dagster's own CLI, against three
sandbox stores, into the session's PostgreSQL server, with Meltano's system database on
that server too (`MELTANO_DATABASE_URI`). Every store must land whole in the shared
tables, every store's ops must have run at the same time in processes of their own, and
each store's state must be its own, in PostgreSQL.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import typing as t
from pathlib import Path

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.e2e.meltano import REPO, MeltanoProject
from tests.e2e.postgres import PostgresServer
from tests.e2e.warehouse import Warehouse

DAGSTER = REPO / ".dagster-venv" / "bin" / "dagster"
EXAMPLE = REPO / "examples" / "dagster"
JOB = "sync_every_store"
STATE_ID = "dev:tap-bigcommerce-to-target-postgres"
CHECKED = {"orders": "orders", "products": "products", "customers": "customers"}
EVENT = re.compile(r"- (?P<step>sync_[a-z0-9]+) - (?P<event>STEP_START|STEP_SUCCESS|STEP_FAILURE)")


@pytest.fixture
def three_stores() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=7, orders=60, products=25, customers=25, stores=3)) as sb:
        yield sb


def test_dagster_runs_one_meltano_job_per_store_in_parallel(
    project: MeltanoProject, postgres: PostgresServer, three_stores: Sandbox, tmp_path: Path
) -> None:
    if not DAGSTER.is_file():
        pytest.fail(f"{DAGSTER} is missing: run `make .dagster-venv/bin/dagster`", pytrace=False)
    postgres.create_database("dagster_warehouse")
    postgres.create_database("meltano_system")
    configs = [three_stores.tap_config(store_index=i) for i in range(3)]
    hashes = [c["store_hash"] for c in configs]
    home = tmp_path / "dagster-home"
    home.mkdir()
    shutil.copy(EXAMPLE / "dagster.yaml", home / "dagster.yaml")
    system_uri = (
        f"postgresql+psycopg://{postgres.user}:{postgres.password}@{postgres.host}:"
        f"{postgres.port}/meltano_system"
    )
    env = {
        **project.env,
        "DAGSTER_HOME": str(home),
        "MELTANO": str(REPO / ".meltano-venv" / "bin" / "meltano"),
        "MELTANO_PROJECT_ROOT": str(REPO),
        "MELTANO_DATABASE_URI": system_uri,
        "BIGCOMMERCE_STORES": " ".join(hashes),
        **{
            f"BIGCOMMERCE_ACCESS_TOKEN_{c['store_hash'].upper()}": c["access_token"]
            for c in configs
        },
        "TAP_BIGCOMMERCE_API_URL": configs[0]["api_url"],
        "TAP_BIGCOMMERCE_WINDOW_LAG_SECONDS": "0",
        "TARGET_POSTGRES_HOST": postgres.host,
        "TARGET_POSTGRES_PORT": str(postgres.port),
        "TARGET_POSTGRES_USER": postgres.user,
        "TARGET_POSTGRES_PASSWORD": postgres.password,
        "TARGET_POSTGRES_DATABASE": "dagster_warehouse",
        "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": "bigcommerce",
    }
    three_stores.advance_clock(2)
    done = subprocess.run(
        [str(DAGSTER), "job", "execute", "-f", str(EXAMPLE / "definitions.py"), "-j", JOB],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    for config in configs:
        assert config["access_token"] not in output

    # Parallel: every store's step started before any of them finished.
    events = [(m["step"], m["event"]) for m in EVENT.finditer(output)]
    started = [step for step, event in events if event == "STEP_START"]
    assert sorted(started) == sorted(f"sync_{h}" for h in hashes), events
    first_end = next(i for i, (_, event) in enumerate(events) if event != "STEP_START")
    assert len([e for e in events[:first_end] if e[1] == "STEP_START"]) == 3, events
    assert [e for e in events if e[1] == "STEP_FAILURE"] == []

    # Every store whole in the shared tables, no key twice.
    warehouse = Warehouse(postgres, "dagster_warehouse", "bigcommerce")
    for stream, resource in CHECKED.items():
        live = 'NOT coalesce("is_deleted", FALSE)' if stream == "orders" else "TRUE"
        rows = warehouse.keys(stream, ["store_hash", "id"], live)
        assert all(n == 1 for n in rows.values()), f"{stream}: duplicate keys"
        expected = {
            (h, str(row["id"]))
            for i, h in enumerate(hashes)
            for row in three_stores.truth(resource, store_index=i)
        }
        assert set(rows) == expected, stream

    # Each store's state: its own id, in the PostgreSQL system database, bookmarks of that store.
    stored = postgres.query("SELECT state_id FROM state ORDER BY state_id", "meltano_system")
    assert [row[0] for row in stored] == sorted(f"{STATE_ID}:{h}" for h in hashes)
    for store_hash in hashes:
        got = project.meltano(
            "state", "get", f"{STATE_ID}:{store_hash}", env={"MELTANO_DATABASE_URI": system_uri}
        )
        assert got.returncode == 0, got.stderr[-3000:]
        bookmarks = json.loads(got.stdout)["singer_state"]["bookmarks"]
        for stream in CHECKED:
            contexts = [p["context"]["store_hash"] for p in bookmarks[stream]["partitions"]]
            assert contexts == [store_hash], (store_hash, stream, contexts)
