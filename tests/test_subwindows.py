"""A cursor list read in parallel date parts delivers exactly what one cursor delivers.

Customers have no id filter, so their window is tiled by `date_modified` sub-windows
read concurrently (`reading.subwindows`). Whatever the tiling (even, or a store where a
bulk edit put most records in the last seconds), the parts together must hold every
record once, as the serial read does.
"""

from __future__ import annotations

import datetime as dt
import itertools
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tap_bigcommerce.errors import InvalidResponseError
from tap_bigcommerce.reading.subwindows import (
    PAGES_PER_PART,
    Part,
    between_ends,
    check_dated_page,
    split_part,
)
from tests.hostile import HostileProxy
from tests.tapio import TapRun, run_tap, select

CUSTOMERS = 3000


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=51, orders=10, products=10, customers=CUSTOMERS)) as sb:
        yield sb


def read(store: Sandbox, workers: int) -> tuple[TapRun, set[tuple[str, str]]]:
    with HostileProxy(store.url) as proxy:
        config = {
            **store.tap_config(),
            "api_url": proxy.url,
            "window_lag_seconds": 0,
            "max_workers": workers,
        }
        run = run_tap(config, catalog=select(config, ["customers"]))
        parts = {
            (seen.params.get("date_modified:min", ""), seen.params["date_modified:max"])
            for seen in proxy.seen
            if seen.path == "/v3/customers" and seen.params.get("limit") == "250"
        }
    assert run.returncode == 0, run.stderr[-3000:]
    return run, parts


def versions(run: TapRun) -> list[tuple[int, str]]:
    return sorted((r["id"], r["date_modified"]) for r in run.records("customers"))


def truth(store: Sandbox) -> list[tuple[int, str]]:
    return sorted((row["id"], row["date_modified"]) for row in store.truth("customers"))


def assert_same_as_serial(store: Sandbox) -> None:
    serial, serial_parts = read(store, workers=1)
    parallel, parallel_parts = read(store, workers=4)
    assert len(serial_parts) == 1, "one worker reads the window by one cursor"
    assert len(parallel_parts) > 1, "the window was not split"
    assert {i for i, _ in versions(parallel)} == {row["id"] for row in store.truth("customers")}
    assert sorted(set(versions(parallel))) == sorted(set(versions(serial)))
    assert len(parallel.records("customers")) == CUSTOMERS, "a record came twice"


def test_parallel_parts_equal_one_cursor(store: Sandbox) -> None:
    assert_same_as_serial(store)


def test_parallel_parts_equal_one_cursor_when_most_records_share_a_few_seconds(
    store: Sandbox,
) -> None:
    store.edit("customers", 2600)  # a bulk edit: most records now sit at the window's end
    assert_same_as_serial(store)


def test_a_quick_store_reads_few_parts_and_puts_no_page_aside() -> None:
    # 15 requests per 3 s at 200 ms a page: 2 requests in flight keep the quota busy (up to
    # 4 if the machine is slow to answer), so the window between its end pages is cut in
    # about that many parts, each of several pages. More parts would each end on a partly
    # filled page, and a part split again for holding more than a few pages would cost the
    # page it puts aside.
    options = SandboxOptions(
        seed=52, orders=10, products=10, customers=6000, quota=15, window_ms=3000, latency_ms=200
    )
    with Sandbox(options) as quick:
        run, parts = read(quick, workers=32)
        assert {i for i, _ in versions(run)} == {row["id"] for row in quick.truth("customers")}
        requests = quick.stats()["by_endpoint"]["GET /v3/customers"]
    cut = {part for part in parts if part[0]}  # the end pages are read with no lower bound
    assert 2 <= len(cut) <= 6, sorted(cut)
    for low, high in cut:  # none read, then split: no part holds another
        assert not any(
            low <= other_low and other_high <= high
            for other_low, other_high in cut
            if (other_low, other_high) != (low, high)
        ), (low, high)
    # 24 pages: 2 end pages, then about a page more than its share per part.
    assert sum(requests.values()) <= 24 + len(cut), requests


def at(seconds: int) -> dt.datetime:
    return dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=seconds)


def test_a_split_tiles_its_part_exactly() -> None:
    part = Part(at(0), at(999))
    parts = split_part(part, [], total=250 * 4 * PAGES_PER_PART, most=32)
    assert len(parts) == 4
    assert parts[0].low == part.low
    assert parts[-1].high == part.high
    for before, after in itertools.pairwise(parts):
        assert after.low == before.high + dt.timedelta(seconds=1)  # inclusive bounds, no gap


def test_an_open_part_keeps_its_open_start_and_one_second_cannot_split() -> None:
    page = [{"date_modified": at(100).isoformat()}]
    parts = split_part(Part(None, at(199)), page, total=250 * 40, most=4)
    assert len(parts) == 4
    assert parts[0].low is None
    assert split_part(Part(at(5), at(5)), page, total=250 * 40, most=4) == [Part(at(5), at(5))]


def dated(*seconds: int) -> list[dict[str, str]]:
    return [{"id": s, "date_modified": at(s).isoformat()} for s in seconds]


def test_what_the_end_pages_leave_between_them_is_tiled_exactly() -> None:
    first = dated(*range(0, 250))  # the earliest page ends at second 249
    last = dated(*range(9999, 9749, -1))  # the latest page ends (going down) at 9750
    parts = between_ends(first, last, total=250 * 20, most=32)
    assert parts[0].low == at(249)
    assert parts[-1].high == at(9750)
    for before, after in itertools.pairwise(parts):
        assert after.low == before.high + dt.timedelta(seconds=1)
    # 18 pages left between the ends: PAGES_PER_PART each.
    assert len(parts) == 18 // PAGES_PER_PART


def test_end_pages_that_overlap_leave_nothing_between() -> None:
    assert between_ends(dated(*range(0, 250)), dated(*range(300, 100, -1)), 400, most=8) == []


def test_a_page_sorted_by_date_is_checked_for_its_order() -> None:
    check_dated_page(250, latest=False)({"data": dated(1, 2, 2, 5)})
    check_dated_page(250, latest=True)({"data": dated(5, 2, 2, 1)})
    with pytest.raises(InvalidResponseError, match="out of order"):
        check_dated_page(250, latest=False)({"data": dated(1, 5, 2)})
    with pytest.raises(InvalidResponseError, match="without date_modified"):
        check_dated_page(250, latest=True)({"data": [{"id": 1}]})
