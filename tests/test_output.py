"""RECORD lines written straight from the record carry what the SDK's messages would."""

from __future__ import annotations

import datetime as dt
import io
import json
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions
from singer_sdk.contrib.msgspec import serialize_jsonl
from singer_sdk.singerlib import RecordMessage, StateMessage

from tap_bigcommerce.output import RecordLine, StateFlushingWriter
from tap_bigcommerce.sdk_seam import EncodedStateWriter

from .tapio import run_tap

RECORD = {"id": 7, "name": 'Émile "the" 🙂', "total": 1.5, "nested": [{"a": None}]}


@pytest.mark.parametrize("version", [None, 1700000000])
def test_a_direct_line_is_the_sdk_message_line(
    version: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr("sys.stdout", stdout)
    writer = StateFlushingWriter()
    before = dt.datetime.now(dt.timezone.utc)
    writer.write_record(RecordLine("orders", version), RECORD)
    writer.flush()
    line = stdout.buffer.getvalue()  # type: ignore[attr-defined]
    direct = json.loads(line)
    extracted = dt.datetime.fromisoformat(direct["time_extracted"].replace("Z", "+00:00"))
    sdk = json.loads(
        bytes(
            serialize_jsonl(
                RecordMessage(
                    stream="orders", record=RECORD, version=version, time_extracted=extracted
                ).to_dict()
            )
        )
    )
    assert line.endswith(b"}\n")
    assert line.count(b"\n") == 1
    assert list(direct) == list(sdk)  # same keys, same order
    assert direct == sdk
    assert before <= extracted <= dt.datetime.now(dt.timezone.utc)


def test_a_state_line_is_the_sdk_message_line_and_is_written_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """STATE lines are encoded without the SDK's copies: the same bytes, and an unchanged
    state is still not written again."""
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr("sys.stdout", stdout)
    writer = StateFlushingWriter()
    states = EncodedStateWriter(writer)
    state: dict[str, t.Any] = {
        "bookmarks": {
            "orders": {"partitions": [{"context": {"store_hash": "abc"}, "start": None}]},
            "customers": {"deletes": {"ids": [[1, 5], [8, 8]], "swept_at": "Émile 🙂"}},
        }
    }
    states.write_state(state)
    states.write_state(state)
    state["bookmarks"]["customers"]["deletes"]["ids"].append([10, 12])
    expected = bytes(serialize_jsonl(StateMessage(value=state).to_dict()))
    states.write_state(state)
    states.write_state(state)
    lines = stdout.buffer.getvalue().splitlines(keepends=True)  # type: ignore[attr-defined]
    assert len(lines) == 2
    assert lines[1] == expected
    assert json.loads(lines[0])["value"]["bookmarks"]["customers"]["deletes"]["ids"] == [
        [1, 5],
        [8, 8],
    ]


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=5, orders=30, products=10, customers=10)) as sandbox:
        yield sandbox


def test_stream_maps_still_apply(store: Sandbox) -> None:
    """Aliases and filters need the SDK's message path; the direct lines must step aside."""
    config = {
        **store.tap_config(),
        "stream_maps": {
            "brands": {
                "__alias__": "brand_names",
                "__else__": None,
                "store_hash": "store_hash",
                "id": "id",
                "name": "name",
            }
        },
    }
    run = run_tap(config, streams=["brands", "coupons"])
    assert run.returncode == 0, run.stderr
    brands = run.records("brand_names")
    assert brands
    assert not run.records("brands")
    assert all(set(record) == {"store_hash", "id", "name"} for record in brands)
    coupons = run.records("coupons")
    assert coupons
    assert all("store_hash" in record for record in coupons)


def test_records_written_by_the_stream_are_counted_in_the_sdk_metric(store: Sandbox) -> None:
    """The streams write their records themselves; the `record_count` metric must still add up."""
    run = run_tap(store.tap_config(), streams=["orders", "order_products", "customers"])
    assert run.returncode == 0, run.stderr
    counted: dict[str, int] = {}
    for line in run.stderr.splitlines():
        if "METRIC:" in line and '"record_count"' in line:
            metric = json.loads(line.split("METRIC:", 1)[1])
            stream = metric["tags"]["stream"]
            counted[stream] = counted.get(stream, 0) + metric["value"]
    for stream in ("orders", "order_products", "customers"):
        assert run.records(stream)
        assert counted.get(stream) == len(run.records(stream)), stream
