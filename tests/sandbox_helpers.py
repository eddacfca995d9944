"""Ground-truth checks shared by the sandbox-backed tap tests."""

from __future__ import annotations

import typing as t

from tap_bigcommerce.dates import to_iso
from tests.tapio import TapRun


def latest_versions_missing(
    truth: list[dict[str, t.Any]], runs: list[TapRun], stream: str
) -> list[dict[str, t.Any]]:
    """Ground-truth records whose latest `date_modified` no run emitted."""
    seen = {
        (record["id"], record["date_modified"]) for run in runs for record in run.records(stream)
    }
    return [row for row in truth if (row["id"], to_iso(row["date_modified"])) not in seen]


def ids(run: TapRun, stream: str) -> set[int]:
    return {record["id"] for record in run.records(stream)}
