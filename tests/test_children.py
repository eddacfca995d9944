"""Child streams look like one sync each: one start line, one set of metrics, whole batch files.

Children are written a page of parents at a time (`reading.children`); a user reading
the log, and a target reading BATCH messages, must not see one sync per page.
"""

from __future__ import annotations

import collections
import gzip
import json
import re
import typing as t
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.tapio import TapRun, run_tap, select

# Parents of several pages (over 250 records in each of two stores), with children of
# every kind: embedded (line items, variants, addresses), re-read (options) and
# fetched per parent (coupons).
STREAMS = (
    "orders",
    "order_products",
    "order_coupons",
    "products",
    "product_variants",
    "product_options",
    "customers",
    "customer_addresses",
)
CHILDREN = tuple(name for name in STREAMS if name not in ("orders", "products", "customers"))
BATCH_SIZE = 300


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=41, orders=700, products=520, customers=560, stores=2)) as sb:
        yield sb


def two_store_config(sb: Sandbox) -> dict[str, t.Any]:
    stores = [sb.tap_config(store_index=i) for i in (0, 1)]
    return {
        "api_url": stores[0]["api_url"],
        "window_lag_seconds": 0,
        "stores": [
            {"store_hash": s["store_hash"], "access_token": s["access_token"]} for s in stores
        ],
    }


@pytest.fixture(scope="module")
def record_run(store: Sandbox) -> TapRun:
    config = two_store_config(store)
    run = run_tap(config, catalog=select(config, STREAMS))
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def test_each_child_logs_one_start_line_and_one_record_count(record_run: TapRun) -> None:
    starts = collections.Counter(
        match[1] for match in re.finditer(r"Beginning sync of '([a-z_]+)'", record_run.stderr)
    )
    counts = collections.Counter(
        match[1]
        for match in re.finditer(
            r'"metric":"record_count".*?"stream":"([a-z_]+)"', record_run.stderr
        )
    )
    for child in CHILDREN:
        assert record_run.records(child), child
        assert starts[child] == 1, (child, starts[child])
        assert counts[child] == 1, (child, counts[child])
        assert len(record_run.schema_messages(child)) == 1, child
    # The parents' pages were many: several per store for each parent.
    pages = re.findall(
        r"Stream 'orders' \(store \w+\) done: [\d,]+(?: of [\d,]+)? records, ([\d,]+) pages",
        record_run.stderr,
    )
    assert len(pages) == 2, pages
    assert all(int(n.replace(",", "")) >= 3 for n in pages), pages


def batch_records(run: TapRun, stream: str) -> tuple[list[dict[str, t.Any]], list[int]]:
    """The records in the stream's batch files, and how many each file holds."""
    records: list[dict[str, t.Any]] = []
    sizes: list[int] = []
    for message in run.messages:
        if message["type"] == "BATCH" and message["stream"] == stream:
            for url in message["manifest"]:
                with gzip.open(urlsplit(url).path, "rt", encoding="utf-8") as handle:
                    rows = [json.loads(line) for line in handle if line.strip()]
                records.extend(rows)
                sizes.append(len(rows))
    return records, sizes


def test_batch_files_hold_the_record_mode_output(
    store: Sandbox, record_run: TapRun, tmp_path: Path
) -> None:
    config = {
        **two_store_config(store),
        "batch_config": {
            "encoding": {"format": "jsonl", "compression": "gzip"},
            "storage": {"root": f"file://{tmp_path}", "prefix": "batch-"},
            "batch_size": BATCH_SIZE,
        },
    }
    run = run_tap(config, catalog=select(config, STREAMS))
    assert run.returncode == 0, run.stderr[-3000:]
    assert not any(m["type"] == "RECORD" for m in run.messages)

    def key(record: dict[str, t.Any]) -> str:
        return json.dumps(record, sort_keys=True)

    for stream in STREAMS:
        batched, sizes = batch_records(run, stream)
        expected = record_run.records(stream)
        assert sorted(map(key, batched)) == sorted(map(key, expected)), stream
        # Files of batch_size records, whatever the page size; only the last is partial.
        if stream in CHILDREN:
            assert sizes, stream
            assert all(size == BATCH_SIZE for size in sizes[:-1]), (stream, sizes)
            assert len(sizes) == -(-len(expected) // BATCH_SIZE), (stream, sizes)
