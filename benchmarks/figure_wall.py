"""Figures 2 and 5: wall time of a full sync under latency and a quota, and its 429s.

The sandbox adds 200 ms to every request and enforces BigCommerce's Pro rate (450 requests
per 30 s) with the window shortened to 45 per 3 s, so a run of minutes shows many windows.
The tap may use the whole quota (``rate_limit_reserve: 0``). The bound is the time the
quota alone imposes: the requests it counted / quota x window. While the tap runs, the
sandbox's counters are sampled, so the 429s after the first window (steady state) can be
told from those of the start, when the tap has not yet read the quota headers.
"""

from __future__ import annotations

import math
import threading
import time

from typing_extensions import override

from benchmarks.completeness import check_parents, parent_streams
from benchmarks.figure import Context, Figure, Result, Row, mark, store_shape
from benchmarks.sandbox import SandboxProcess
from benchmarks.taprun import run_tap, select_only, tap_config
from benchmarks.truth import AdminApiTruth

FULL_STORE = {"orders": 200, "products": 200, "customers": 1_000}
QUICK_STORE = {"orders": 40, "products": 40, "customers": 200}
QUOTA, WINDOW_MS, LATENCY_MS = 45, 3000, 200
TARGET = 1.25


class StatsPoller(threading.Thread):
    """Samples the sandbox's counters while the tap runs, to tell steady state from start-up."""

    def __init__(self, sb: SandboxProcess, every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.sb, self.every = sb, every
        self.samples: list[tuple[float, int, int]] = []
        self.stop = threading.Event()

    @override
    def run(self) -> None:
        while not self.stop.is_set():
            s = self.sb.stats()
            self.samples.append((time.monotonic(), s["requests"], s["throttled"]))
            self.stop.wait(self.every)

    def throttled_after(self, seconds: float) -> int | None:
        """429s counted from ``seconds`` after the first request to the end."""
        first = next((ts for ts, n, _ in self.samples if n > 0), None)
        if first is None:
            return None
        base = next((th for ts, _, th in self.samples if ts >= first + seconds), None)
        return None if base is None else self.samples[-1][2] - base


def run(ctx: Context) -> Result:
    size: dict[str, int] = ctx.pick(FULL_STORE, QUICK_STORE)
    limits = {"quota": QUOTA, "window_ms": WINDOW_MS, "latency_ms": LATENCY_MS}
    with SandboxProcess(seed=12, **limits, **size) as sb:
        config = tap_config(sb, ctx.max_workers, rate_limit_reserve=0)
        truth = AdminApiTruth(sb)
        parents = parent_streams(truth, config, ctx.workdir)
        everything = select_only(config, ctx.workdir, None)
        sb.reset_stats()
        poller = StatsPoller(sb)
        poller.start()
        tap = run_tap(config, ctx.workdir, catalog=everything, label="wall", id_streams=parents)
        poller.stop.set()
        poller.join()
        stats = sb.stats()
        poller.samples.append((time.monotonic(), stats["requests"], stats["throttled"]))
        check_parents(truth, tap, "wall-time run")
    counted = stats["requests"] - stats["throttled"]
    bound = counted / QUOTA * WINDOW_MS / 1000
    return {
        "store": size,
        "quota": QUOTA,
        "window_ms": WINDOW_MS,
        "latency_ms": LATENCY_MS,
        "rate_limit_reserve": 0,
        "requests": stats["requests"],
        "requests_counted_by_quota": counted,
        "wall_s": tap.wall_s,
        "quota_bound_s": bound,
        "ratio": tap.wall_s / bound if bound else math.inf,
        "records": sum(tap.records.values()),
        "throttled": stats["throttled"],
        "throttled_steady_state": poller.throttled_after(WINDOW_MS / 1000),
    }


def rows(wall: Result) -> list[Row]:
    steady = wall["throttled_steady_state"]
    return [
        Row(
            2,
            f"Wall time, full sync, {wall['latency_ms']} ms latency, {wall['quota']} req"
            f" / {wall['window_ms'] / 1000:g} s ({store_shape(wall['store'])})",
            f"{wall['wall_s']:.1f} s, {wall['requests']:,} requests",
            f"quota-bound {wall['quota_bound_s']:.1f} s: {wall['ratio']:.2f}x",
            f"≤ {TARGET}x {mark(wall['ratio'] <= TARGET)}",
        ),
        Row(
            5,
            "429s at steady state (the wall-time run)",
            f"{steady if steady is not None else '?'} ({wall['throttled']} in total)",
            "",
            f"0 {mark(steady == 0)}",
        ),
    ]


FIGURE = Figure("wall", run, rows)
