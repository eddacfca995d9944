"""The cheap record path sends targets exactly what the SDK's own path would.

Both paths run in-process against the same sandbox store: the tap as shipped
(pages decoded into their schemas' Structs, its one-pass conformance, SDK
conformance off) and the tap with plain decoding and the SDK's recursive
conformance doing the work instead. Every record of every stream must be identical.
"""

from __future__ import annotations

import contextlib
import io
import json
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.streams import Stream

from tap_bigcommerce.client import BigCommerceStream
from tap_bigcommerce.dates import epoch_to_datetime, format_timestamp, to_iso
from tap_bigcommerce.decoding import PageDecoder
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


def reference_normalise(self: BigCommerceStream, record: dict[str, t.Any]) -> dict[str, t.Any]:
    """The slow path's share of our work, written plainly from the schema: dates and text.

    Undeclared properties and booleans are left to the SDK's recursive conformance.
    """
    record["store_hash"] = self.store_hash
    return t.cast("dict[str, t.Any]", _normalised(record, self.schema))


def _normalised(value: t.Any, schema: t.Mapping[str, t.Any]) -> t.Any:
    declared = schema.get("type", [])
    kinds = ({declared} if isinstance(declared, str) else set(declared)) - {"null"}
    if isinstance(value, dict) and "properties" in schema:
        for name, prop in schema["properties"].items():
            if name in value:
                value[name] = _normalised(value[name], prop)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_normalised(item, schema["items"]) for item in value]
    elif kinds == {"string"} and schema.get("format") == "date-time":
        if isinstance(value, str):
            return to_iso(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_timestamp(epoch_to_datetime(value))
    elif kinds == {"string"} and type(value) in (int, float):
        return str(value)
    return value


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=29, orders=60, products=40, customers=40)) as sandbox:
        yield sandbox


def test_fast_path_records_equal_the_sdk_conformed_records(
    store: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = {**store.tap_config(), "window_lag_seconds": 0, "max_workers": 1}
    decoders: list[PageDecoder] = []
    with monkeypatch.context() as patch:
        original_init = PageDecoder.__init__

        def remember(decoder: PageDecoder, *args: t.Any, **kwargs: t.Any) -> None:
            original_init(decoder, *args, **kwargs)
            decoders.append(decoder)

        patch.setattr(PageDecoder, "__init__", remember)
        fast = sync_in_process(config)
    # The typed decoder did the fast run's pages and never gave up on one.
    assert len(decoders) >= 20
    assert all(decoder.enabled for decoder in decoders)

    with monkeypatch.context() as patch:
        patch.setattr(BigCommerceStream, "_page_decoder", None)
        patch.setattr(BigCommerceStream, "_records_writer", None)
        patch.setattr(BigCommerceStream, "TYPE_CONFORMANCE_LEVEL", TypeConformanceLevel.RECURSIVE)
        patch.setattr(BigCommerceStream, "normalise", reference_normalise)
        # The SDK's own per-record loop and message path (message objects,
        # deselection walk, conformance, serialisation).
        patch.setattr(
            BigCommerceStream, "_generate_record_messages", Stream._generate_record_messages
        )
        patch.setattr(BigCommerceStream, "_write_record_message", Stream._write_record_message)
        slow = sync_in_process(config)

    assert fast.keys() == slow.keys()
    for stream, records in slow.items():
        assert len(fast[stream]) == len(records), stream
        assert fast[stream] == records, stream
    assert len(fast) >= 45  # every stream of the catalog has records to compare
    assert sum(len(r) for r in fast.values()) > 1000
