"""Streams read ahead of their turn (`reading.ahead`) write what one stream at a time writes.

While one stream is written, the next ones are read on their own threads. Their records
must still come after the earlier streams' (one stream after another on stdout), the
same records and the same state must result, and no STATE may claim a read-ahead
stream's progress before its records are on stdout: a run killed while streams are read
ahead resumes and loses nothing.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.sandbox_helpers import latest_versions_missing
from tests.tapio import TapRun, run_tap, select
from tests.test_resume import killed_run

STREAMS = ("customers", "orders", "products", "brands", "coupons")
READ_AHEAD = "read ahead of its turn"


@pytest.fixture
def store() -> t.Iterator[Sandbox]:
    options = SandboxOptions(seed=57, orders=1600, products=700, customers=900, latency_ms=40)
    with Sandbox(options) as sb:
        yield sb


def versions(run: TapRun, stream: str) -> set[tuple[t.Any, ...]]:
    return {(r["id"], r.get("date_modified")) for r in run.records(stream)}


def stream_order(run: TapRun) -> list[str]:
    """The streams in the order their records appear, each once if never interleaved."""
    order: list[str] = []
    for message in run.messages:
        if message["type"] == "RECORD" and (not order or order[-1] != message["stream"]):
            order.append(message["stream"])
    return order


def bookmarks(run: TapRun) -> dict[str, set[t.Any]]:
    """Each stream's bookmarks (a run's windows all end at its one clock reading)."""
    return {
        name: {p.get("replication_key_value") for p in entry.get("partitions", [])}
        for name, entry in run.final_state["bookmarks"].items()
    }


def same_bookmarks(a: TapRun, b: TapRun) -> bool:
    """The same streams hold bookmarks, each run's at its own windows' end, no checkpoints."""
    marks_a, marks_b = bookmarks(a), bookmarks(b)
    ends_a = set().union(*marks_a.values()) - {None}
    ends_b = set().union(*marks_b.values()) - {None}
    progress = [
        p
        for run in (a, b)
        for entry in run.final_state["bookmarks"].values()
        for p in entry.get("partitions", [])
        if "progress" in p
    ]
    return (
        marks_a.keys() == marks_b.keys()
        and {k for k, v in marks_a.items() if v - {None}}
        == {k for k, v in marks_b.items() if v - {None}}
        and len(ends_a) == len(ends_b) == 1
        and not progress
    )


def test_reading_ahead_writes_what_one_stream_at_a_time_writes(store: Sandbox) -> None:
    config = {**store.tap_config(), "window_lag_seconds": 0}
    catalog = select(config, STREAMS)
    store.reset_stats()
    serial = run_tap({**config, "read_ahead_streams": 0}, catalog=catalog)
    serial_requests = store.stats()["requests"]
    assert serial.returncode == 0, serial.stderr[-3000:]
    assert READ_AHEAD not in serial.stderr

    store.reset_stats()
    ahead = run_tap(config, catalog=catalog)
    assert ahead.returncode == 0, ahead.stderr[-3000:]
    assert ahead.stderr.count(READ_AHEAD) == len(STREAMS) - 1  # every stream but the first
    assert store.stats()["requests"] == serial_requests
    for stream in STREAMS:
        assert versions(ahead, stream) == versions(serial, stream), stream
    assert stream_order(ahead) == stream_order(serial)
    assert len(stream_order(ahead)) == len(STREAMS), "a stream's records were interleaved"
    assert same_bookmarks(ahead, serial), (bookmarks(ahead), bookmarks(serial))

    # The next run reads ahead the windows its turns open: from each bookmark, or from
    # start_date where that is later; none is dropped and read again.
    store.edit("orders", 30)
    store.edit("customers", 20)
    later = {**config, "start_date": "2000-01-01T00:00:00Z"}
    again = run_tap(later, catalog=catalog, state=ahead.final_state)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "was of another window" not in again.stderr
    assert len(again.records("orders")) >= 30
    once = run_tap({**later, "read_ahead_streams": 0}, catalog=catalog, state=ahead.final_state)
    for stream in STREAMS:
        assert versions(again, stream) == versions(once, stream), stream


def test_a_kill_while_streams_are_read_ahead_loses_nothing(store: Sandbox, tmp_path: Path) -> None:
    store.configure(latency_ms=120)
    config = {**store.tap_config(), "window_lag_seconds": 0, "max_workers": 4}
    catalog = select(config, STREAMS)

    def first_stream_half_written(text: str) -> bool:
        return text.count('{"type":"RECORD","stream":"customers"') >= 450

    killed = killed_run(config, catalog, tmp_path, first_stream_half_written)
    assert READ_AHEAD in killed.stderr
    written = killed.streams_with_records()
    for name, entry in killed.final_state.get("bookmarks", {}).items():
        if name in written:
            continue
        for partition in entry.get("partitions", []):
            # Read ahead, maybe whole, but not written: the state may not say otherwise.
            assert "progress" not in partition, (name, partition)
            assert "replication_key_value" not in partition, (name, partition)

    store.configure(latency_ms=0)
    resumed = run_tap(config, catalog=catalog, state=killed.final_state)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    for stream in ("customers", "orders", "products"):
        assert latest_versions_missing(store.truth(stream), [killed, resumed], stream) == []
