"""A long first sync killed outright (SIGKILL, out of memory, a lost machine) resumes where it was.

While a window is read, each STATE holds a checkpoint of it (`reading.checkpoint`). A
run killed at any point leaves that STATE as its last whole line; the run started from
it reads the same window from the checkpoint, so it re-emits at most the page each id
range had in flight, and, with one more run to pick up what was edited after the
window's end, every record of the store arrives at its latest version.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
import typing as t
from pathlib import Path

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.sandbox_helpers import latest_versions_missing
from tests.tapio import TAP, TapRun, run_tap, select

PAGE = 250
ORDERS = 3000


@pytest.fixture
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=41, orders=ORDERS, products=10, customers=50)) as sb:
        yield sb


def killed_run(
    config: dict[str, t.Any], catalog: dict[str, t.Any], folder: Path, when: t.Callable[[str], bool]
) -> TapRun:
    """Start the tap and SIGKILL it as soon as its output satisfies `when`."""
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "catalog.json").write_text(json.dumps(catalog))
    out = folder / "stdout"
    with out.open("w") as stdout, (folder / "stderr").open("w") as stderr:
        process = subprocess.Popen(
            [
                TAP,
                "--config",
                str(folder / "config.json"),
                "--catalog",
                str(folder / "catalog.json"),
            ],
            stdout=stdout,
            stderr=stderr,
        )
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if when(out.read_text()):
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the sync ended before it was killed"
    text = out.read_text()
    lines = text.splitlines()
    if lines and not text.endswith("\n"):
        lines.pop()  # killed mid-line: a target discards the partial line too
    messages = [json.loads(line) for line in lines if line.strip()]
    return TapRun(process.returncode, text, (folder / "stderr").read_text(), messages)


def orders_written(text: str) -> int:
    return text.count('{"type":"RECORD","stream":"orders"')


def ranges_in_flight(run: TapRun) -> int:
    """The parts of the window the last STATE says were still being read."""
    partition = run.final_state["bookmarks"]["orders"]["partitions"][0]
    sections = partition.get("progress", {}).get("sections", {})
    return max(1, sum(len(positions) for positions in sections.values()))


@pytest.mark.parametrize("fraction", [0.09, 0.5, 0.9])
def test_a_killed_first_sync_resumes_from_its_checkpoint(
    store: Sandbox, tmp_path: Path, fraction: float
) -> None:
    # Slow pages and few workers, so the kill lands inside the window's read.
    store.configure(latency_ms=150)
    config = {**store.tap_config(), "window_lag_seconds": 0, "max_workers": 3}
    catalog = select(config, ["orders"])
    at = int(ORDERS * fraction)
    killed = killed_run(config, catalog, tmp_path, lambda text: orders_written(text) >= at)
    before = {(r["id"], r["date_modified"]) for r in killed.records("orders")}
    assert before, "nothing was written before the kill"
    in_flight = ranges_in_flight(killed)

    store.edit("orders", 20)  # edits between the runs
    store.configure(latency_ms=0)
    resumed = run_tap(config, catalog=catalog, state=killed.final_state)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "from its checkpoint" in resumed.stderr
    again = {(r["id"], r["date_modified"]) for r in resumed.records("orders")} & before
    # Redone: only what the last STATE did not yet cover, at most a page per range.
    assert len(again) <= PAGE * in_flight, (len(again), in_flight)

    after = run_tap(config, catalog=catalog, state=resumed.final_state)
    assert after.returncode == 0, after.stderr[-3000:]
    missing = latest_versions_missing(store.truth("orders"), [killed, resumed, after], "orders")
    assert missing == []
    progress = resumed.final_state["bookmarks"]["orders"]["partitions"][0]
    assert "progress" not in progress, "the checkpoint outlived its window"


def test_a_kill_during_the_deleted_pass_resumes_it_and_not_the_live_one(
    store: Sandbox, tmp_path: Path
) -> None:
    # Deleted orders are read on a thread of their own while the live ones are written;
    # their checkpoint must only say what is on stdout. Most orders deleted: the deleted
    # pass outlasts the live one, so the kill lands in it.
    store.delete("orders", 2500)
    table = store.stores[0].tables["orders"]
    deleted = {table.base + p for p, gone in enumerate(table.deleted) if gone}
    store.configure(latency_ms=300)
    config = {**store.tap_config(), "window_lag_seconds": 0, "max_workers": 3}
    catalog = select(config, ["orders"])

    def deleted_written(text: str) -> bool:
        return text.count('"is_deleted":true') >= 300

    killed = killed_run(config, catalog, tmp_path, deleted_written)
    live_before = {r["id"] for r in killed.records("orders") if not r["is_deleted"]}
    deleted_before = {r["id"] for r in killed.records("orders") if r["is_deleted"]}
    assert deleted_before < deleted, "the kill came after the deleted pass"
    in_flight = ranges_in_flight(killed)

    store.configure(latency_ms=0)
    resumed = run_tap(config, catalog=catalog, state=killed.final_state)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "from its checkpoint" in resumed.stderr
    assert not {r["id"] for r in resumed.records("orders") if not r["is_deleted"]} & live_before
    deleted_again = {r["id"] for r in resumed.records("orders") if r["is_deleted"]}
    assert len(deleted_again & deleted_before) <= PAGE * in_flight
    assert deleted_before | deleted_again >= deleted
    assert latest_versions_missing(store.truth("orders"), [killed, resumed], "orders") == []


def test_a_kill_while_children_are_written_loses_none_of_them(
    store: Sandbox, tmp_path: Path
) -> None:
    store.configure(latency_ms=20)
    config = {**store.tap_config(), "window_lag_seconds": 0, "max_workers": 3}
    catalog = select(config, ["orders", "order_coupons"])
    killed = killed_run(
        config,
        catalog,
        tmp_path,
        lambda text: text.count('"stream":"order_coupons"') >= 150 and orders_written(text) >= 500,
    )
    store.configure(latency_ms=0)
    resumed = run_tap(config, catalog=catalog, state=killed.final_state)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    runs = [killed, resumed]
    assert latest_versions_missing(store.truth("orders"), runs, "orders") == []
    coupons = {r["id"] for run in runs for r in run.records("order_coupons")}
    assert coupons == {row["id"] for row in store.truth("order_coupons")}


def test_a_killed_sync_of_a_cursor_list_resumes_its_parts(tmp_path: Path) -> None:
    options = SandboxOptions(seed=43, orders=10, products=10, customers=3000, latency_ms=150)
    with Sandbox(options) as store:
        config = {**store.tap_config(), "window_lag_seconds": 0, "max_workers": 3}
        catalog = select(config, ["customers"])

        def halfway(text: str) -> bool:
            return text.count('{"type":"RECORD","stream":"customers"') >= 1500

        killed = killed_run(config, catalog, tmp_path, halfway)
        store.configure(latency_ms=0)
        resumed = run_tap(config, catalog=catalog, state=killed.final_state)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        assert "from its checkpoint" in resumed.stderr
        runs = [killed, resumed]
        assert latest_versions_missing(store.truth("customers"), runs, "customers") == []
        before = {r["id"] for r in killed.records("customers")}
        again = {r["id"] for r in resumed.records("customers")} & before
        parts = killed.final_state["bookmarks"]["customers"]["partitions"][0]["progress"]
        assert len(again) <= PAGE * len(parts["sections"]["parts"])
