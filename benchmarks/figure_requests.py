"""Figure 1: requests of a full sync and of a 1%-changed incremental sync, against the minimum.

The tap syncs a standard store with every stream selected; the sandbox counts its requests
per endpoint. Then 1% of the records of each table whose stream is incremental (it left a
bookmark) are edited, the store's clock moves past the tap's lag, and the tap syncs again
from its state. Each sync is set against the minimum of ``benchmarks.minimum``, computed
from the sandbox's ground truth over its admin API (the window of the incremental sync is
the moment of the edits, not the tap's bookmark). Every parent record and every edited
record must reach the output, or the run fails.
"""

from __future__ import annotations

import typing as t

from benchmarks.completeness import check_parents, parent_streams
from benchmarks.errors import BenchError
from benchmarks.figure import Context, Figure, Result, Row, mark, store_shape
from benchmarks.minimum import minimum_requests, window_after_edits
from benchmarks.sandbox import SandboxProcess
from benchmarks.taprun import TapRun, incremental_streams, run_tap, select_only, tap_config
from benchmarks.truth import AdminApiTruth

FULL_STORE = {"orders": 10_000, "products": 2_000, "customers": 5_000}
QUICK_STORE = {"orders": 500, "products": 200, "customers": 500}
TARGET = 1.1


def run(ctx: Context) -> Result:
    size: dict[str, int] = ctx.pick(FULL_STORE, QUICK_STORE)
    with SandboxProcess(seed=11, **size) as sb:
        config = tap_config(sb, ctx.max_workers)
        parents = parent_streams(AdminApiTruth(sb), config, ctx.workdir)
        everything = select_only(config, ctx.workdir, None)
        sb.reset_stats()
        full = run_tap(
            config, ctx.workdir, catalog=everything, label="requests-full", id_streams=parents
        )
        by_endpoint = sb.stats()["by_endpoint"]
        truth = AdminApiTruth(sb)
        full_rows = minimum_requests(truth, {}, by_endpoint)
        emitted = check_parents(truth, full, "full sync")
        # 1% of each incremental stream's records change; the clock moves past the lag.
        incremental = incremental_streams(full.state)
        edited = {
            stream: sb.edit(stream, max(1, len(truth.table(stream) or []) // 100))
            for stream in parents
            if stream in incremental
        }
        sb.advance_clock(5)
        sb.reset_stats()
        inc = run_tap(
            config,
            ctx.workdir,
            catalog=everything,
            label="requests-incremental",
            state=full.state,
            id_streams=parents,
        )
        by_endpoint = sb.stats()["by_endpoint"]
        truth = AdminApiTruth(sb)
        inc_rows = minimum_requests(truth, window_after_edits(truth, edited), by_endpoint)
        for stream, ids in edited.items():
            lost = set(ids) - inc.ids.get(stream, set())
            if lost:
                raise BenchError(f"incremental sync: {stream} lost {len(lost)} edited records")
    return {
        "store": size,
        "full": _totals(full_rows, full, emitted),
        "incremental": {
            **_totals(inc_rows, inc, {}),
            "edited": {k: len(v) for k, v in edited.items()},
        },
    }


def _totals(
    rows: dict[str, dict[str, t.Any]], run: TapRun, emitted: dict[str, int]
) -> dict[str, t.Any]:
    actual = sum(r["actual"] for r in rows.values())
    minimum = sum(r["minimum"] for r in rows.values())
    return {
        "requests": actual,
        "minimum": minimum,
        "ratio": actual / max(minimum, 1),
        "records": sum(run.records.values()),
        "parents_checked": emitted,
        "wall_s": run.wall_s,
        "by_endpoint": rows,
    }


def rows(result: Result) -> list[Row]:
    shape = store_shape(result["store"])
    out = []
    for kind, title in (("full", "full sync"), ("incremental", "1%-changed incremental")):
        r = result[kind]
        out.append(
            Row(
                1,
                f"Requests, {title} ({shape})",
                f"{r['requests']:,} requests",
                f"minimum {r['minimum']:,}: {r['ratio']:.2f}x",
                f"≤ {TARGET}x {mark(r['ratio'] <= TARGET)}",
            )
        )
    return out


def details(result: Result) -> list[str]:
    lines = []
    for kind in ("full", "incremental"):
        lines += ["", f"requests per endpoint, {kind} sync (actual / minimum: how)"]
        for endpoint, r in result[kind]["by_endpoint"].items():
            lines.append(f"  {endpoint:<50} {r['actual']:>6} / {r['minimum']:<6} {r['how']}")
    return lines


FIGURE = Figure("requests", run, rows, details=details)
