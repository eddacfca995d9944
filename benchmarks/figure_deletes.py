"""Figure 6: the requests of a deletion sweep, against the fewest the API allows.

The tap syncs products and customers with their embedded children (the first read of
the whole table is the first sweep's baseline, at no request). Then the store deletes 1%
of its products and customers and a few single variants, and the tap runs twice from
the same state: once with `capture_deletes` off (the incremental read alone) and once
with a sweep due. The difference on each listed endpoint is the sweep's requests, set
against ``benchmarks.minimum.sweep_minimum`` (a page per 250 live ids). The sweep must
report exactly the vanished products and customers, or the run fails.
"""

from __future__ import annotations

import typing as t

from benchmarks.errors import BenchError
from benchmarks.figure import Context, Figure, Result, Row, mark, thousands
from benchmarks.minimum import SWEPT_TABLES, sweep_minimum
from benchmarks.sandbox import SandboxProcess
from benchmarks.taprun import run_tap, select_only, tap_config
from benchmarks.truth import AdminApiTruth

FULL_STORE = {"orders": 100, "products": 10_000, "customers": 10_000}
QUICK_STORE = {"orders": 100, "products": 1_000, "customers": 1_000}
STREAMS = ("products", "product_variants", "customers", "customer_addresses")
TARGET = 1.1


def _requests(sb: SandboxProcess) -> dict[str, int]:
    by_endpoint = sb.stats()["by_endpoint"]
    return {
        endpoint: sum(by_endpoint.get(endpoint, {}).values()) for endpoint in SWEPT_TABLES.values()
    }


def run(ctx: Context) -> Result:
    size: dict[str, int] = ctx.pick(FULL_STORE, QUICK_STORE)
    with SandboxProcess(seed=17, **size) as sb:
        config = tap_config(sb, ctx.max_workers)
        catalog = select_only(config, ctx.workdir, STREAMS)
        first = run_tap(config, ctx.workdir, catalog=catalog, label="deletes-first")
        gone = {table: set(sb.delete(table, size[table] // 100)) for table in SWEPT_TABLES}
        sb.delete("variants", 50)
        sb.advance_clock(5)
        sb.reset_stats()
        run_tap(
            {**config, "capture_deletes": False},
            ctx.workdir,
            catalog=catalog,
            label="deletes-read-only",
            state=first.state,
        )
        read_only = _requests(sb)
        sb.reset_stats()
        swept = run_tap(
            {**config, "deletes_sweep_interval_hours": 0},
            ctx.workdir,
            catalog=catalog,
            label="deletes-sweep",
            state=first.state,
            id_streams=tuple(SWEPT_TABLES),
        )
        with_sweep = _requests(sb)
        minimum = sweep_minimum(AdminApiTruth(sb), SWEPT_TABLES)
    for table, ids in gone.items():
        if swept.ids.get(table, set()) != ids:
            raise BenchError(
                f"deletion sweep: {table} reported {len(swept.ids.get(table, ()))} "
                f"deletions, the store deleted {len(ids)}"
            )
    endpoints = {
        endpoint: {
            "sweep": with_sweep[endpoint] - read_only[endpoint],
            "minimum": minimum[endpoint]["minimum"],
            "how": minimum[endpoint]["how"],
        }
        for endpoint in SWEPT_TABLES.values()
    }
    requests = sum(e["sweep"] for e in endpoints.values())
    least = sum(e["minimum"] for e in endpoints.values())
    return {
        "store": size,
        "requests": requests,
        "minimum": least,
        "ratio": requests / max(least, 1),
        "deleted": {table: len(ids) for table, ids in gone.items()},
        "deletion_records": dict(swept.records),
        "by_endpoint": endpoints,
    }


def rows(result: Result) -> list[Row]:
    store = result["store"]
    shape = f"{thousands(store['products'])} products, {thousands(store['customers'])} customers"
    return [
        Row(
            8,
            f"Requests, deletion sweep ({shape}, 1% deleted)",
            f"{result['requests']:,} requests",
            f"minimum {result['minimum']:,}: {result['ratio']:.2f}x",
            f"≤ {TARGET}x {mark(result['ratio'] <= TARGET)}",
        )
    ]


def details(result: Result) -> list[str]:
    lines = ["", "deletion sweep requests per endpoint (sweep / minimum: how)"]
    for endpoint, r in result["by_endpoint"].items():
        lines.append(f"  {endpoint:<50} {r['sweep']:>6} / {r['minimum']:<6} {r['how']}")
    records = t.cast("dict[str, int]", result["deletion_records"])
    lines.append(f"  records written by the sweep run: {records}")
    return lines


FIGURE = Figure("deletes", run, rows, details=details)
