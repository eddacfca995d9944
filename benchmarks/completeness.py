"""The loss check behind every figure: each record of a store table must reach the output.

A faster or cheaper run that drops records is no result, so every figure's run checks the
streams backed by a store table (a stream is named after its table: ``orders`` reads the
``orders`` table) against the sandbox's ground truth and fails the benchmark on a loss.
Children have no such check here: the tests check them against ground truth.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from benchmarks.errors import BenchError
from benchmarks.taprun import TapRun, select_only
from benchmarks.truth import GroundTruth


def check_parents(truth: GroundTruth, run: TapRun, label: str) -> dict[str, int]:
    """Records emitted per table-backed stream in ``run.ids``; raises on any lost record."""
    emitted = {}
    for stream, seen in run.ids.items():
        rows = truth.table(stream)
        if rows is None:
            continue
        missing = {r["id"] for r in rows} - seen
        if missing:
            sample = sorted(missing)[:5]
            raise BenchError(f"{label}: {stream} lost {len(missing)} records (e.g. {sample})")
        emitted[stream] = len(seen)
    return emitted


def parent_streams(truth: GroundTruth, config: dict[str, t.Any], workdir: Path) -> list[str]:
    """The streams the tap offers whose name is a store table with ground truth."""
    catalog = select_only(config, workdir, ())
    names = [s["tap_stream_id"] for s in catalog["streams"]]
    return [n for n in names if truth.table(n) is not None]
