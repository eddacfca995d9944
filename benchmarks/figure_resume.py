"""Figure 7: the work a killed first sync redoes when it is resumed from its last STATE.

A full sync of the ``orders`` stream (30k orders, 45 requests per 3 s, 200 ms latency) is
killed with SIGKILL once 60% of the orders are on its stdout, as a crashed machine or an
out-of-memory kill would end it. A second run starts from the last complete STATE line
the first one wrote (what Meltano keeps; none if it wrote none) and reads on to the end.
The figure is the orders the resumed run emits again (ones the killed run had already
emitted) over the orders emitted before the kill, and the same in pages of 250 (each
range the window is read in may redo about one page). The two runs together must
deliver every order.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import msgspec

from benchmarks.errors import BenchError
from benchmarks.figure import Context, Figure, Result, Row, mark, thousands
from benchmarks.sandbox import SandboxProcess
from benchmarks.taprun import WRAPPER, run_tap, select_only, tap_config
from benchmarks.truth import AdminApiTruth

FULL_ORDERS, QUICK_ORDERS = 30_000, 3_000
QUOTA, WINDOW_MS, LATENCY_MS = 45, 3000, 200
KILL_AT = 0.6
TARGET = 0.25
PAGE = 250


class _Message(msgspec.Struct):
    type: str
    stream: str = ""
    record: msgspec.Raw = msgspec.Raw(b"null")
    value: msgspec.Raw = msgspec.Raw(b"null")


class _Id(msgspec.Struct):
    id: t.Any = None


def _orders_and_state(path: Path) -> tuple[set[t.Any], dict[str, t.Any] | None, int]:
    """The order ids, the last STATE and the count of order lines of a (killed) run's
    output; a line cut by the kill is left out, as a target would discard it."""
    ids: set[t.Any] = set()
    lines = 0
    state = None
    decode, decode_id = msgspec.json.Decoder(_Message).decode, msgspec.json.Decoder(_Id).decode
    with path.open("rb") as fh:
        for line in fh:
            if not line.endswith(b"\n"):
                break
            msg = decode(line)
            if msg.type == "RECORD" and msg.stream == "orders":
                ids.add(decode_id(msg.record).id)
                lines += 1
            elif msg.type == "STATE":
                state = msgspec.json.decode(msg.value)
    return ids, state, lines


def _count_order_lines(path: Path, offset: int, count: int) -> tuple[int, int]:
    """Order RECORD lines from ``offset`` on, added to ``count``; the new offset."""
    with path.open("rb") as fh:
        fh.seek(offset)
        data = fh.read()
    end = data.rfind(b"\n") + 1
    count += data[:end].count(b'"type":"RECORD","stream":"orders"')
    return count, offset + end


def killed_run(
    config: dict[str, t.Any], catalog: dict[str, t.Any], folder: Path, kill_after: int
) -> Path:
    """Run the tap until ``kill_after`` orders are on its stdout, then SIGKILL it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_bytes(msgspec.json.encode(config))
    (folder / "catalog.json").write_bytes(msgspec.json.encode(catalog))
    out_path = folder / "stdout.jsonl"
    args = ["--config", str(folder / "config.json"), "--catalog", str(folder / "catalog.json")]
    cmd = [sys.executable, "-c", WRAPPER, str(folder / "rusage.json"), "", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_BIGCOMMERCE_")}
    with out_path.open("wb") as out, (folder / "stderr.txt").open("wb") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        count = offset = 0
        deadline = time.monotonic() + 1800
        while count < kill_after:
            if proc.poll() is not None:
                raise BenchError(f"the run to kill ended by itself (exit {proc.returncode})")
            if time.monotonic() > deadline:
                proc.kill()
                raise BenchError("the run to kill did not reach its kill point in 30 min")
            time.sleep(0.05)
            count, offset = _count_order_lines(out_path, offset, count)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return out_path


def run(ctx: Context) -> Result:
    orders = ctx.pick(FULL_ORDERS, QUICK_ORDERS)
    limits = {"quota": QUOTA, "window_ms": WINDOW_MS, "latency_ms": LATENCY_MS}
    with SandboxProcess(seed=15, orders=orders, products=5, customers=5, **limits) as sb:
        config = tap_config(sb, ctx.max_workers, rate_limit_reserve=0)
        truth = AdminApiTruth(sb)
        catalog = select_only(config, ctx.workdir, ["orders"])
        live = {row["id"] for row in truth.table("orders") or []}
        killed = killed_run(config, catalog, ctx.workdir / "killed", int(len(live) * KILL_AT))
        # No STATE line before the kill: the resumed run starts from nothing, as
        # Meltano's would.
        before, state, lines_before = _orders_and_state(killed)
        resumed = run_tap(
            config,
            ctx.workdir,
            catalog=catalog,
            state=state,
            label="resumed",
            id_streams=["orders"],
        )
    after = resumed.ids["orders"]
    lost = live - before - after
    if lost:
        sample = sorted(lost)[:5]
        raise BenchError(f"killed and resumed runs lost {len(lost)} orders (e.g. {sample})")
    redone = len(before & after)
    return {
        "orders": orders,
        "quota": QUOTA,
        "window_ms": WINDOW_MS,
        "latency_ms": LATENCY_MS,
        "kill_at": KILL_AT,
        "emitted_before_kill": len(before),
        "order_lines_before_kill": lines_before,
        "emitted_by_resumed_run": resumed.records.get("orders", 0),
        "re_emitted": redone,
        "re_emitted_pages": redone / PAGE,
        "ratio": redone / len(before) if before else 0.0,
        "state_bytes": len(msgspec.json.encode(state)) if state is not None else 0,
    }


def rows(r: Result) -> list[Row]:
    return [
        Row(
            7,
            f"Work redone after a kill at {r['kill_at']:.0%} of a full orders sync "
            f"({thousands(r['orders'])} orders, {r['quota']} req / {r['window_ms'] / 1000:g} s)",
            f"{r['re_emitted']:,} of {r['emitted_before_kill']:,} orders re-emitted "
            f"({r['re_emitted_pages']:.0f} pages)",
            f"{r['ratio']:.0%} of the work before the kill",
            f"< {TARGET:.0%} {mark(r['ratio'] < TARGET)}",
        )
    ]


FIGURE = Figure("resume", run, rows)
