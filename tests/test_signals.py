"""Cancelling a sync as orchestrators do: SIGTERM or Ctrl-C (SIGINT) in the middle of a stream.

Meltano, Airflow, Dagster, Kubernetes and CI runners cancel a job with SIGTERM; a user
at a terminal presses Ctrl-C. The tap must exit promptly with the conventional status,
leave only whole JSON lines on stdout (a target reading the pipe would choke on half a
line), end with a STATE that loses nothing, and a run from that STATE must deliver
every record the cancelled run did not.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
import typing as t
from pathlib import Path

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.sandbox_helpers import latest_versions_missing
from tests.tapio import TAP, TapRun, run_tap, select

STREAMS = ("orders", "order_coupons", "customers")
LATENCY_MS = 60


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    # Latency makes the sync last long enough to be cancelled in the middle of orders.
    options = SandboxOptions(
        seed=21, orders=1500, products=20, customers=600, latency_ms=LATENCY_MS
    )
    with Sandbox(options) as sb:
        yield sb


class PipeReader(threading.Thread):
    """Reads the tap's stdout pipe as a target does, line by line, while it runs."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        super().__init__(daemon=True)
        self.process = process
        self.lines: list[str] = []
        self.orders = 0

    def run(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if line.startswith('{"type":"RECORD","stream":"orders"'):
                self.orders += 1


def cancelled_run(store: Sandbox, tmp_path: Path, signum: int) -> tuple[TapRun, float]:
    config = {**store.tap_config(), "window_lag_seconds": 0, "max_workers": 2}
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "catalog.json").write_text(json.dumps(select(config, STREAMS)))
    with (tmp_path / "stderr").open("w") as err:
        process = subprocess.Popen(
            [
                TAP,
                "--config",
                str(tmp_path / "config.json"),
                "--catalog",
                str(tmp_path / "catalog.json"),
            ],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    reader = PipeReader(process)
    reader.start()
    deadline = time.monotonic() + 120
    while reader.orders < 300 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "the sync ended before it could be cancelled"
    sent = time.monotonic()
    process.send_signal(signum)
    process.wait(timeout=30)
    took = time.monotonic() - sent
    reader.join(timeout=10)
    assert process.stdout is not None
    process.stdout.close()
    messages = [json.loads(line) for line in reader.lines]  # every line whole JSON
    stderr = (tmp_path / "stderr").read_text()
    return TapRun(process.returncode, "".join(reader.lines), stderr, messages), took


@pytest.mark.parametrize(
    ("signum", "status", "name"),
    [(signal.SIGTERM, 143, "SIGTERM"), (signal.SIGINT, 130, "SIGINT")],
)
def test_a_cancelled_sync_stops_at_once_and_its_state_resumes_without_loss(
    store: Sandbox, tmp_path: Path, signum: int, status: int, name: str
) -> None:
    cancelled, took = cancelled_run(store, tmp_path, signum)
    assert cancelled.returncode == status, cancelled.stderr[-2000:]
    assert took < 10, f"the tap took {took:.1f} s to stop"
    assert f"Stopped by {name}" in cancelled.stderr
    assert "Traceback" not in cancelled.stderr
    assert cancelled.messages[-1]["type"] == "STATE", cancelled.stderr[-3000:]
    delivered = len(cancelled.records("orders"))
    assert 0 < delivered < len(store.truth("orders"))

    config = {**store.tap_config(), "window_lag_seconds": 0}
    store.configure(latency_ms=0)  # the resumed run need not be slow
    try:
        resumed = run_tap(config, catalog=select(config, STREAMS), state=cancelled.final_state)
    finally:
        store.configure(latency_ms=LATENCY_MS)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    for stream in ("orders", "customers"):
        missing = latest_versions_missing(store.truth(stream), [cancelled, resumed], stream)
        assert missing == [], f"{stream}: {len(missing)} records never delivered"
    coupons = {
        record["id"] for run in (cancelled, resumed) for record in run.records("order_coupons")
    }
    assert coupons == {row["id"] for row in store.truth("order_coupons")}
