"""Figure 3: CPU throughput of the tap against a ceiling measured on the same data.

No latency and no quota: records emitted / the tap's wall time (process start to exit,
nothing subtracted). The ceiling replays the URLs the tap requested and times only
``msgspec.json.decode`` of each page body plus ``msgspec.json.encode`` of one RECORD
message (and newline) per record the tap emitted. The timed runs follow an untimed full
sync that fills the sandbox's render cache, so the sandbox (on the same cores) only serves
bytes while the tap is timed, as it does for the ceiling's replay. Shared machines drift by
10-20% within minutes, so the tap and the ceiling are timed alternately, five times each
(once with ``--quick``), and their medians compared. ``make bench`` compiles the tap's
bytecode first, as installing it does (the checkout is an editable install, and some
environments forbid writing bytecode at run time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import statistics
import time
import typing as t

import msgspec

from benchmarks.completeness import check_parents, parent_streams
from benchmarks.errors import BenchError
from benchmarks.figure import Context, Figure, Result, Row, mark, store_shape
from benchmarks.sandbox import SandboxProcess
from benchmarks.taprun import Line, TapRun, run_tap, select_only, tap_config
from benchmarks.truth import AdminApiTruth

FULL_STORE = {"orders": 20_000, "products": 2_000, "customers": 5_000}
QUICK_STORE = {"orders": 4_000, "products": 400, "customers": 1_000}
FULL_REPEATS, QUICK_REPEATS = 5, 1
TARGET = 0.5

#: The streams of the CPU figure: large parents read 250 per page with their children
#: embedded, so the run measures the record path rather than round trips.
BULK_STREAMS = (
    "orders",
    "order_products",
    "order_shipping_addresses",
    "products",
    "product_variants",
    "customers",
    "customer_addresses",
)


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cpu-streams",
        default=",".join(BULK_STREAMS),
        help="streams selected for the CPU run, comma-separated, or 'all' (default: the bulk "
        "streams, parents read 250 per page with embedded children)",
    )


def run(ctx: Context) -> Result:
    size: dict[str, int] = ctx.pick(FULL_STORE, QUICK_STORE)
    repeats: int = ctx.pick(FULL_REPEATS, QUICK_REPEATS)
    chosen = ctx.args.cpu_streams
    streams: list[str] = [] if chosen == "all" else chosen.split(",")
    # The sandbox shares the machine's cores with the tap; the run it times must not
    # be charged for the sandbox rendering records, so every record is rendered once
    # by an untimed warm-up run and then served from the sandbox's cache (as the
    # ceiling's replay is). The machine's speed drifts by 10-20% within minutes, so
    # the tap and the ceiling are timed `repeats` times, alternately, and the medians
    # are compared.
    cache_size = 10 * sum(size.values())
    walls: list[float] = []
    ceilings: list[float] = []
    with SandboxProcess(seed=13, cache_size=cache_size, **size) as sb:
        config = tap_config(sb, ctx.max_workers)
        truth = AdminApiTruth(sb)
        catalog = select_only(config, ctx.workdir, streams or None)
        parents = [
            s for s in parent_streams(truth, config, ctx.workdir) if not streams or s in streams
        ]
        run_tap(config, ctx.workdir, catalog=catalog, label="throughput-warmup")
        first: TapRun | None = None
        for attempt in range(repeats):
            tap = run_tap(
                config,
                ctx.workdir,
                catalog=catalog,
                label=f"throughput-{attempt + 1}",
                record_urls=True,
                keep_output=True,
                id_streams=parents,
            )
            check_parents(truth, tap, f"throughput run {attempt + 1}")
            if first is None:
                first = tap
            elif tap.records != first.records:
                raise BenchError(
                    f"throughput run {attempt + 1} emitted {tap.records}, run 1 {first.records}"
                )
            walls.append(tap.wall_s)
            if tap.urls:
                ceilings.append(ceiling_seconds(sb, tap))
            assert tap.output is not None
            tap.output.unlink()
    assert first is not None
    records = sum(first.records.values())
    wall = statistics.median(walls)
    result: dict[str, t.Any] = {
        "store": size,
        "streams": streams or "all",
        "records": records,
        "repeats": repeats,
        "wall_s": wall,
        "wall_runs_s": walls,
        "records_per_s": records / wall,
        "pages_replayed": len(first.urls),
    }
    if not ceilings:
        result["ceiling_note"] = "the tap's requests could not be recorded (not through urllib3)"
        return result
    ceiling = statistics.median(ceilings)
    result["ceiling_s"] = ceiling
    result["ceiling_runs_s"] = ceilings
    result["ceiling_records_per_s"] = records / ceiling
    result["ratio"] = result["records_per_s"] / result["ceiling_records_per_s"]
    return result


def ceiling_seconds(sb: SandboxProcess, run: TapRun) -> float:
    """Time msgspec alone needs to decode the tap's pages and encode its RECORD lines."""
    assert run.output is not None
    encode, decode = msgspec.json.encode, msgspec.json.decode
    spent = 0.0
    conn = http.client.HTTPConnection(sb.host, sb.port, timeout=300)
    headers = {"X-Auth-Token": sb.config["access_token"]}
    try:
        for url in run.urls:
            conn.request("GET", url, headers=headers)
            body = conn.getresponse().read()
            if not body:
                continue
            start = time.perf_counter()
            decode(body)
            spent += time.perf_counter() - start
    finally:
        conn.close()
    line_decoder = msgspec.json.Decoder(Line)
    batch: list[dict[str, t.Any]] = []
    extracted = dt.datetime.now(dt.timezone.utc).isoformat()

    def flush() -> float:
        start = time.perf_counter()
        for message in batch:
            encode(message) + b"\n"
        took = time.perf_counter() - start
        batch.clear()
        return took

    with run.output.open("rb") as fh:
        for line in fh:
            msg = line_decoder.decode(line)
            if msg.type != "RECORD":
                continue
            batch.append(
                {
                    "type": "RECORD",
                    "stream": msg.stream,
                    "record": decode(msg.record),
                    "time_extracted": extracted,
                }
            )
            if len(batch) == 2000:
                spent += flush()
    return spent + flush()


def rows(thr: Result) -> list[Row]:
    if "ratio" in thr:
        bound = f"msgspec {thr['ceiling_records_per_s']:,.0f}/s: {thr['ratio']:.2f}x"
        verdict = f"≥ {TARGET}x {mark(thr['ratio'] >= TARGET)}"
    else:
        bound, verdict = "not measured", f"≥ {TARGET}x ?"
    streams = "all" if thr.get("streams") == "all" else len(thr.get("streams", ()))
    median = f" (median of {thr['repeats']})" if thr.get("repeats", 1) > 1 else ""
    return [
        Row(
            3,
            "CPU throughput, full sync, no latency, no quota "
            f"({store_shape(thr['store'])}, {streams} streams)",
            f"{thr['records_per_s']:,.0f} records/s{median}",
            bound,
            verdict,
        )
    ]


FIGURE = Figure("throughput", run, rows, options=options)
