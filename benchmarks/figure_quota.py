"""Figure 6: a first sync of a large store against the quota bound, at two latencies and two rates.

A full sync of orders, products and customers (30k / 2k / 8k) with the sandbox enforcing
BigCommerce's Pro rate shortened to 45 requests per 3 s, first with 200 ms added to every
request and then with 1 s (a page of 250 orders with line items often takes that long on
a real store); then at the Standard and Plus rate, 150 requests per 30 s, unshortened: a
smaller store (6k / 500 / 2k) at 200 ms, which fits one window, and a 60k / 2k / 8k store
at 1 s, which fills two. The shortened window makes what a run spends before its first
page and after its last request (start-up, the first requests the others wait on, the
last answer) ten times larger beside the window than a store's own 30 s window does; the
last run shows the same latency at the real window. The tap may use the whole quota
(``rate_limit_reserve: 0``). Each run's bound is the time the quota alone imposes: the
requests the sandbox counted / quota x window. The run also reports the sandbox's 429s and
the most requests it served at once (its ``max_in_flight``): the tap's concurrency must
grow with latency without bursting into 429s. Every record of the three tables must arrive.

A real store renders its pages on its own servers; the sandbox renders them on the two
cores the tap runs on, and at 15 pages of orders a second that alone would take most of
one. So each timed run follows an untimed one, with no quota and no latency, that fills
the sandbox's render cache (as figure 3 does): the timed run is bound by the quota and
the store's latency, as a user's is, and the sandbox's CPU seconds during it are
reported beside it.
"""

from __future__ import annotations

import math
import typing as t

from benchmarks.completeness import check_parents
from benchmarks.figure import Context, Figure, Result, Row, mark, store_shape
from benchmarks.sandbox import SandboxProcess
from benchmarks.taprun import run_tap, select_only, tap_config
from benchmarks.truth import AdminApiTruth

STREAMS = ("orders", "products", "customers")
TARGET = 1.15

#: (name, store, quota, window_ms, latency_ms) of each run; the quick runs keep the rates.
RUNS = (
    ("pro-200ms", {"orders": 30_000, "products": 2_000, "customers": 8_000}, 45, 3000, 200),
    ("pro-1s", {"orders": 30_000, "products": 2_000, "customers": 8_000}, 45, 3000, 1000),
    ("standard-200ms", {"orders": 6_000, "products": 500, "customers": 2_000}, 150, 30_000, 200),
    ("standard-1s", {"orders": 60_000, "products": 2_000, "customers": 8_000}, 150, 30_000, 1000),
)
QUICK_STORE = {"orders": 1_500, "products": 100, "customers": 500}


def one_run(
    ctx: Context, name: str, size: dict[str, int], quota: int, window_ms: int, latency_ms: int
) -> Result:
    limits = {"quota": quota, "window_ms": window_ms, "latency_ms": latency_ms}
    cache_size = 10 * sum(size.values())
    with SandboxProcess(seed=14, cache_size=cache_size, **size) as sb:
        config = tap_config(sb, ctx.max_workers, rate_limit_reserve=0)
        truth = AdminApiTruth(sb)
        catalog = select_only(config, ctx.workdir, STREAMS)
        run_tap(config, ctx.workdir, catalog=catalog, label=f"{name}-warmup")
        sb.configure(**limits)
        sb.reset_stats()
        cpu_before = sb.cpu_seconds()
        tap = run_tap(config, ctx.workdir, catalog=catalog, label=name, id_streams=STREAMS)
        sandbox_cpu = sb.cpu_seconds() - cpu_before
        stats = sb.stats()
        check_parents(truth, tap, f"quota run {name}")
    counted = stats["requests"] - stats["throttled"]
    bound = counted / quota * window_ms / 1000
    return {
        "store": size,
        "quota": quota,
        "window_ms": window_ms,
        "latency_ms": latency_ms,
        "requests": stats["requests"],
        "requests_by_endpoint": {
            endpoint: sum(t.cast("dict[str, int]", counts).values())
            for endpoint, counts in stats["by_endpoint"].items()
        },
        "wall_s": tap.wall_s,
        "quota_bound_s": bound,
        "ratio": tap.wall_s / bound if bound else math.inf,
        "records": sum(tap.records.values()),
        "throttled": stats["throttled"],
        "max_in_flight": stats.get("max_in_flight"),
        "sandbox_cpu_s": sandbox_cpu,
    }


def run(ctx: Context) -> Result:
    results = {}
    for name, size, quota, window_ms, latency_ms in RUNS:
        store = ctx.pick(size, QUICK_STORE)
        results[name] = one_run(ctx, name, store, quota, window_ms, latency_ms)
    return results


def rows(result: Result) -> list[Row]:
    out = []
    for name, *_ in RUNS:
        r = result.get(name)
        if r is None:
            continue
        ok = r["ratio"] <= TARGET and r["throttled"] == 0
        out.append(
            Row(
                6,
                f"First sync of orders, products, customers ({store_shape(r['store'])}), "
                f"{r['latency_ms']} ms latency, {r['quota']} req / {r['window_ms'] / 1000:g} s",
                f"{r['wall_s']:.1f} s, {r['requests']:,} requests, {r['throttled']} 429s, "
                f"at most {r['max_in_flight']} in flight",
                f"quota-bound {r['quota_bound_s']:.1f} s: {r['ratio']:.2f}x",
                f"≤ {TARGET}x, 0 429s {mark(ok)}",
            )
        )
    return out


def details(result: Result) -> list[str]:
    lines = []
    for name, *_ in RUNS:
        r = result.get(name)
        if r is None:
            continue
        cpu = r.get("sandbox_cpu_s", 0.0)
        lines.append(f"quota run {name}: sandbox CPU {cpu:.1f} s; requests per endpoint")
        lines += [f"  {n:6d}  {e}" for e, n in sorted(r["requests_by_endpoint"].items())]
    return lines


FIGURE = Figure("quota", run, rows, details=details)
