"""The cheap record path sends targets exactly what the SDK's own path would.

Both paths run in-process against the same sandbox store: the tap as shipped
(its one-pass conformance, SDK conformance off) and the tap with the SDK's
recursive conformance doing the work instead. Every record of every stream must
be identical.
"""

from __future__ import annotations

import contextlib
import io
import json
import typing as t

import pytest
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.streams import Stream

from tap_bigcommerce import records as records_module
from tap_bigcommerce.client import BigCommerceStream
from tap_bigcommerce.records import FieldPlan
from tap_bigcommerce.sandbox import Sandbox, SandboxOptions
from tap_bigcommerce.tap import TapBigCommerce


def sync_in_process(config: dict[str, t.Any]) -> dict[str, list[dict[str, t.Any]]]:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    with contextlib.redirect_stdout(out):
        TapBigCommerce(config=config).sync_all()
    out.flush()
    by_stream: dict[str, list[dict[str, t.Any]]] = {}
    for line in raw.getvalue().decode().splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD":
            by_stream.setdefault(message["stream"], []).append(message["record"])
    return by_stream


def sdk_path_apply(self: FieldPlan, record: dict[str, t.Any], **_: t.Any) -> list[str]:
    """The slow path's share of our work: normalisation only, no conformance."""
    declared = self.declared
    self.declared = frozenset(record) | declared  # keep undeclared: the SDK drops them
    try:
        return original_apply(self, record, stream="slow")
    finally:
        self.declared = declared


original_apply = FieldPlan.apply


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=29, orders=60, products=40, customers=40)) as sandbox:
        yield sandbox


def test_fast_path_records_equal_the_sdk_conformed_records(
    store: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = {**store.tap_config(), "window_lag_seconds": 0, "max_workers": 1}
    fast = sync_in_process(config)

    with monkeypatch.context() as patch:
        patch.setattr(BigCommerceStream, "TYPE_CONFORMANCE_LEVEL", TypeConformanceLevel.RECURSIVE)
        patch.setattr(records_module.FieldPlan, "apply", sdk_path_apply)
        # The SDK's own per-record message path (deselection walk, conformance).
        patch.setattr(
            BigCommerceStream, "_generate_record_messages", Stream._generate_record_messages
        )
        slow = sync_in_process(config)

    assert fast.keys() == slow.keys()
    for stream, records in slow.items():
        assert len(fast[stream]) == len(records), stream
        assert fast[stream] == records, stream
    assert len(fast) >= 45  # every stream of the catalog has records to compare
    assert sum(len(r) for r in fast.values()) > 1000
