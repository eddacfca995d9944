"""Sandbox speed and footprint: how fast a full orders page is served, how big a large store is.

Run: ``make bench-sandbox`` or ``.venv/bin/python -m benchmarks.sandbox_speed [--orders 100000]
[--runs 15]``. The sandbox runs as its own process (``benchmarks.sandbox``), as it does for
the tap's benchmark, so client work does not share its GIL and its RSS is measured alone.
Tells whether the store, not the tap, could be what a figure measures. Cold pages (records
the render cache has never held) of the three big lists, with every include the tap asks
for, are timed both as wall time and as the sandbox process's own CPU (``/proc`` ticks over
all runs, so a mean): CPU is what bounds a quota-limited figure on a small machine. Prints
one JSON object, then a short table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import time
from urllib.parse import urlencode

from benchmarks.sandbox import SandboxProcess


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    """The process's user + system CPU so far (clock ticks, usually 10 ms apart)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


COLD_LISTS = {
    "orders": (
        "/v2/orders",
        {
            "include": "consignments.line_items,fees",
            "consignment_structure": "object",
            "sort": "id:asc",
            "limit": 250,
        },
    ),
    "products": (
        "/v3/catalog/products",
        {
            "include": "variants,images,custom_fields,bulk_pricing_rules,primary_image,"
            "modifiers,options,videos",
            "limit": 250,
        },
    ),
    "customers": (
        "/v3/customers",
        {"include": "addresses,attributes,formfields,storecredit", "limit": 250},
    ),
}
"""The big lists as the tap asks for them (products with options or modifiers: 10 a page)."""


def cold_pages(
    conn: http.client.HTTPConnection, sb: SandboxProcess, runs: int, start_id: int
) -> dict[str, dict[str, float]]:
    """Each list's pages from ``start_id`` on (orders by ``min_id``, the others by page),
    never served before: median wall ms, mean sandbox CPU ms, bytes of the last page."""
    token = sb.config["access_token"]
    out = {}
    for name, (path, params) in COLD_LISTS.items():
        walls = []
        size = 0
        cpu0 = cpu_s(sb.pid)
        for i in range(runs):
            q = {**params, "min_id": start_id + 250 * i} if name == "orders" else {**params}
            if name != "orders":
                q["page"] = i + 1
            took, status, size = timed_get(conn, f"/stores/{sb.hash}{path}?{urlencode(q)}", token)
            assert status == 200, (name, status)
            walls.append(took)
        out[name] = {
            "median_wall_ms": round(statistics.median(walls) * 1000, 1),
            "mean_cpu_ms": round((cpu_s(sb.pid) - cpu0) / runs * 1000, 1),
            "page_bytes": size,
        }
    return out


def timed_get(conn: http.client.HTTPConnection, path: str, token: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    conn.request("GET", path, headers={"X-Auth-Token": token})
    resp = conn.getresponse()
    body = resp.read()
    return time.perf_counter() - start, resp.status, len(body)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.sandbox_speed", description=__doc__)
    p.add_argument("--orders", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=15)
    a = p.parse_args(argv)
    start = time.perf_counter()
    with SandboxProcess(orders=a.orders, products=2000, customers=4000) as sb:
        startup = time.perf_counter() - start
        built = rss_mb(sb.pid)
        conn = http.client.HTTPConnection(sb.host, sb.port, timeout=60)
        token = sb.config["access_token"]
        base = f"/stores/{sb.hash}/v2/orders?"
        include = {
            "limit": 250,
            "include": "consignments.line_items",
            "consignment_structure": "object",
        }
        first, again, plain = [], [], []
        size = 0
        for page in range(1, a.runs + 1):
            took, status, size = timed_get(conn, base + urlencode({**include, "page": page}), token)
            assert status == 200, status
            first.append(took)
        for _ in range(a.runs):
            again.append(timed_get(conn, base + urlencode({**include, "page": 1}), token)[0])
        for i in range(a.runs):
            q = {
                "limit": 250,
                "min_id": a.orders // 2 + i * 250,
                "sort": "id:asc",
                "min_date_modified": "2024-01-01T00:00:00Z",
            }
            plain.append(timed_get(conn, base + urlencode(q), token)[0])
        cold = cold_pages(conn, sb, a.runs, a.orders // 4)
        served = rss_mb(sb.pid)
        conn.close()
    result = {
        "orders": a.orders,
        "runs": a.runs,
        "page_bytes": size,
        "median_first_serve_ms": round(statistics.median(first) * 1000, 1),
        "median_cached_serve_ms": round(statistics.median(again) * 1000, 1),
        "median_keyset_page_no_include_ms": round(statistics.median(plain) * 1000, 1),
        "cold_pages": cold,
        "startup_s": round(startup, 2),
        "rss_after_build_mb": round(built, 1),
        "rss_after_serving_mb": round(served, 1),
        "exit_code": sb.proc.returncode,
    }
    print(json.dumps(result))
    rows = [
        (
            "250-order page, include=consignments.line_items, first serve",
            f"{result['median_first_serve_ms']} ms",
        ),
        ("same page again (render cache hit)", f"{result['median_cached_serve_ms']} ms"),
        (
            "250-order keyset page (min_id + date filter), no include",
            f"{result['median_keyset_page_no_include_ms']} ms",
        ),
        ("page size with line items", f"{size / 1e6:.2f} MB"),
        *(
            (
                f"cold {name} page, every include: wall / sandbox CPU",
                f"{c['median_wall_ms']} / {c['mean_cpu_ms']} ms",
            )
            for name, c in cold.items()
        ),
        (
            f"sandbox RSS with {a.orders:,} orders, after start",
            f"{result['rss_after_build_mb']} MB",
        ),
        ("sandbox RSS after serving the pages above", f"{result['rss_after_serving_mb']} MB"),
        ("process start to ready", f"{result['startup_s']} s"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:>10}")
    print(f"medians of {a.runs} requests; python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
