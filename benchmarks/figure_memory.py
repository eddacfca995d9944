"""Figure 4: peak RSS of the tap for full syncs of a store and of one four times its size.

The tap's own high-water mark (``VmHWM``, read inside the wrapper process), for stores of
100k and 400k orders; it must stay under 200 MB and not grow with the store (the larger
within 10% of the smaller). Not ``ru_maxrss`` from here: on Linux a process started by
``subprocess`` (vfork, then exec) inherits the peak RSS of the process that started it,
this benchmark, which holds the store's ground truth and grows with the store.
"""

from __future__ import annotations

import argparse

from benchmarks.completeness import check_parents
from benchmarks.figure import Context, Figure, Result, Row, mark
from benchmarks.sandbox import SandboxProcess
from benchmarks.taprun import run_tap, select_only, tap_config
from benchmarks.truth import AdminApiTruth

FULL_ORDERS, QUICK_ORDERS = [100_000, 400_000], [5_000, 20_000]
PEAK_MB, GROWTH = 200, 1.1


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--memory-streams",
        default="orders",
        help="streams selected for the peak-RSS runs, comma-separated, or 'all' (default: orders)",
    )


def run(ctx: Context) -> Result:
    sizes: list[int] = ctx.pick(FULL_ORDERS, QUICK_ORDERS)
    chosen = ctx.args.memory_streams
    streams: list[str] = [] if chosen == "all" else chosen.split(",")
    runs = []
    for orders in sizes:
        with SandboxProcess(seed=14, orders=orders, products=200, customers=200) as sb:
            config = tap_config(sb, ctx.max_workers)
            truth = AdminApiTruth(sb)
            catalog = select_only(config, ctx.workdir, streams or None)
            parents = [s for s in (streams or ["orders"]) if truth.table(s) is not None]
            tap = run_tap(
                config, ctx.workdir, label=f"memory-{orders}", catalog=catalog, id_streams=parents
            )
            check_parents(truth, tap, f"{orders} orders")
        runs.append(
            {
                "orders": orders,
                "rss_mb": tap.rss_mb,
                "records": sum(tap.records.values()),
                "wall_s": tap.wall_s,
            }
        )
    small, large = runs[0]["rss_mb"], runs[-1]["rss_mb"]
    return {
        "streams": streams or "all",
        "runs": runs,
        "peak_mb": max(r["rss_mb"] for r in runs),
        "growth": large / small,
    }


def rows(mem: Result) -> list[Row]:
    sizes = " / ".join(f"{r['orders'] // 1000}k" for r in mem["runs"])
    chosen = mem["streams"]
    streams = "all streams" if chosen == "all" else ", ".join(f"`{s}`" for s in chosen)
    peaks = " / ".join(f"{r['rss_mb']:.0f}" for r in mem["runs"])
    ok = mem["peak_mb"] <= PEAK_MB and mem["growth"] <= GROWTH
    return [
        Row(
            4,
            f"Peak RSS, full sync of {streams}, stores of {sizes} orders",
            f"{peaks} MB",
            f"growth {mem['growth']:.2f}x",
            f"≤ {PEAK_MB} MB, flat {mark(ok)}",
        )
    ]


FIGURE = Figure("memory", run, rows, options=options)
