"""The fast record path sends targets exactly what the SDK's own path would.

Both paths run in-process against the same sandbox store, every stream selected,
and differ by the `fast_record_path` setting alone: on, pages are decoded into their
schemas' Structs and written straight to the output (SDK conformance off); off,
pages are decoded plainly, conformed by `records.FieldPlan` and then by the SDK's
recursive conformance, and written through the SDK's loop and message path. Every
record of every stream must be identical. (`tests/test_records.py` checks the
plain conformance against a reference written from the schema.)
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tap_bigcommerce.tap import TapBigCommerce
from tests.tapio import every_stream_selected


def sync_in_process(
    config: dict[str, t.Any], caplog: pytest.LogCaptureFixture
) -> tuple[dict[str, list[t.Any]], str]:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    tap = TapBigCommerce(config=config, catalog=every_stream_selected(config))
    caplog.clear()
    with contextlib.redirect_stdout(out), caplog.at_level(logging.INFO):
        tap.sync_all()
    out.flush()
    by_stream: dict[str, list[t.Any]] = {}
    for line in raw.getvalue().decode().splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD":
            by_stream.setdefault(message["stream"], []).append(message["record"])
    return by_stream, caplog.text


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=29, orders=60, products=40, customers=40)) as sandbox:
        yield sandbox


def test_fast_path_records_equal_the_sdk_path_records(
    store: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    config = {**store.tap_config(), "window_lag_seconds": 0, "max_workers": 1}
    fast, fast_log = sync_in_process(config, caplog)
    slow, slow_log = sync_in_process({**config, "fast_record_path": False}, caplog)
    streams = TapBigCommerce(config=config).streams
    # Each run took the path its setting asks for, for every stream (parents in their
    # last progress line, children in their one start line).
    for name in streams:
        assert f"'{name}'" in fast_log
        assert re.search(rf"'{name}'.*records written directly", fast_log), name
        assert re.search(rf"'{name}'.*records written through the SDK", slow_log), name
    assert "records written through the SDK" not in fast_log
    assert "records written directly" not in slow_log
    assert "decoded plainly" not in fast_log  # the typed decoder never gave up on a page

    assert fast.keys() == slow.keys()
    for stream, records in slow.items():
        assert len(fast[stream]) == len(records), stream
        assert fast[stream] == records, stream
    assert set(fast) == set(streams)  # every stream of the catalog has records to compare
    assert sum(len(r) for r in fast.values()) > 1000
