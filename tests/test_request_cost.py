"""Requests per run, against the fewest the API allows for the same records.

The minimum is the model of ``benchmarks.minimum`` (the one ``make bench`` reports as its
first figure), fed with this in-process store's ground truth: a page per 250 records of
each list in the window, one request per parent for the sub-resources that have no
include and no store-wide list, one per 10 products for options and modifiers, nothing
for embedded children. A full sync and an incremental sync after editing 1% of orders,
products and customers must both stay within 10% of it, and no endpoint may cost less than
its minimum (that would be a list not read); every endpoint the tap calls must have a rule
in the model.
"""

from __future__ import annotations

import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from benchmarks.minimum import RULES, Window, minimum_requests, window_after_edits
from benchmarks.truth import InProcessTruth
from tests.tapio import TapRun, every_stream_selected, run_tap

LAG = 2
SIZES = {"orders": 500, "products": 300, "customers": 300}


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=5, **SIZES)) as sandbox:
        yield sandbox


def requests_for(sb: Sandbox, run: t.Callable[[], TapRun]) -> tuple[TapRun, dict[str, t.Any]]:
    sb.reset_stats()
    result = run()
    assert result.returncode == 0, result.stderr[-3000:]
    return result, sb.stats()


def against_minimum(sb: Sandbox, window: Window, stats: dict[str, t.Any]) -> tuple[int, int, str]:
    """(requests, minimum, the endpoints off the minimum) for the run ``stats`` counted."""
    assert set(stats["by_endpoint"]) <= set(RULES), "endpoints without a rule in the model"
    rows = minimum_requests(InProcessTruth(sb), window, stats["by_endpoint"])
    actual = sum(row["actual"] for row in rows.values())
    assert actual == stats["requests"]
    # Fewer than the minimum on any endpoint means records were not read (or a wrong model).
    below = {e: (r["actual"], r["minimum"]) for e, r in rows.items() if r["actual"] < r["minimum"]}
    assert not below, below
    off = "; ".join(
        f"{endpoint} {row['actual']} / {row['minimum']} ({row['how']})"
        for endpoint, row in rows.items()
        if row["actual"] != row["minimum"]
    )
    return actual, sum(row["minimum"] for row in rows.values()), off


def test_full_and_incremental_syncs_stay_within_10_percent_of_the_minimum(
    store: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    config = {**store.tap_config(), "window_lag_seconds": LAG}
    deleted = sum(store.stores[0].tables["orders"].deleted)

    everything = every_stream_selected(config)  # those not selected by default too
    full, stats = requests_for(store, lambda: run_tap(config, catalog=everything))
    full_requests, full_minimum, off = against_minimum(store, {}, stats)
    assert full_minimum <= full_requests <= full_minimum * 1.1, off
    assert len(full.records("orders")) == len(store.truth("orders")) + deleted

    changed = {resource: store.edit(resource, size // 100) for resource, size in SIZES.items()}
    window = window_after_edits(InProcessTruth(store), changed)
    store.advance_clock(LAG + 1)
    again, stats = requests_for(
        store, lambda: run_tap(config, state=full.final_state, catalog=everything)
    )
    incremental_requests, incremental_minimum, off = against_minimum(store, window, stats)
    assert incremental_minimum <= incremental_requests <= incremental_minimum * 1.1, off
    assert {r["id"] for r in again.records("orders")} == set(changed["orders"])
    with capsys.disabled():
        print(
            f"\nrequests: full sync {full_requests} (minimum {full_minimum}), "
            f"incremental after 1% edits {incremental_requests} (minimum {incremental_minimum})"
            + (f"\nincremental sync above the minimum: {off}" if off else "")
        )
