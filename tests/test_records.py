"""Record normalisation driven by the schema: dates to one form, numbers in text fields to text."""

from __future__ import annotations

import pytest

from tap_bigcommerce.records import FieldPlan

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "date_modified": {"type": ["string", "null"], "format": "date-time"},
        "date_shipped": {"type": ["string", "null"], "format": "date-time"},
        "expiry_date": {"type": ["string", "null"], "format": "date-time"},
        "base_cost": {"type": ["string", "null"]},
        "quantity": {"type": ["integer", "null"]},
        "billing_address": {
            "type": ["object", "null"],
            "properties": {"zip": {"type": ["string", "null"]}},
        },
        "line_items": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "properties": {"date_added": {"type": ["string", "null"], "format": "date-time"}},
            },
        },
    },
}


def test_plan_rewrites_only_what_the_schema_says() -> None:
    record = {
        "id": 7,
        "date_modified": "Tue, 20 Nov 2012 00:00:00 +0000",
        "date_shipped": "",
        "expiry_date": 1353369600,
        "base_cost": 5.1,
        "quantity": 3,
        "billing_address": {"zip": 12345},
        "line_items": [{"date_added": "2012-11-20T02:00:00+02:00"}],
    }
    FieldPlan(SCHEMA, stream="orders").apply(record)
    assert record == {
        "id": 7,
        "date_modified": "2012-11-20T00:00:00+00:00",
        "date_shipped": None,
        "expiry_date": "2012-11-20T00:00:00+00:00",
        "base_cost": "5.1",
        "quantity": 3,
        "billing_address": {"zip": "12345"},
        "line_items": [{"date_added": "2012-11-20T00:00:00+00:00"}],
    }


def test_an_unparseable_date_is_kept_and_reported(caplog: pytest.LogCaptureFixture) -> None:
    record = {"date_modified": "not a date"}
    FieldPlan(SCHEMA, stream="orders").apply(record)
    assert record == {"date_modified": "not a date"}
    assert "'date_modified' holds 'not a date'" in caplog.text
