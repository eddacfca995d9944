"""Issue 16's streams, through the real command: discovered by name, and synced to exactly
the sandbox's ground truth (every record, field for field).

The sandbox's `records` are the full records each list serves (fixed lists, children of
the store's tables, settings objects per store and channel); the tap's record must equal
one of them, plus its store, and every one of them must arrive.
"""

from __future__ import annotations

import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.tapio import TapRun, discover, every_stream_selected, run_tap

#: stream -> the sandbox resource holding its ground truth
LISTS = {
    "shipping_zones": "shipping_zones",
    "shipping_methods": "shipping_methods",
    "payment_methods": "payment_methods",
    "redirects": "redirects",
    "blog_tags": "blog_tags",
    "customer_segments": "segments",
    "shopper_profiles": "shopper_profiles",
    "sites": "sites",
    "site_routes": "site_routes",
    "scripts": "scripts",
    "widgets": "widgets",
    "widget_templates": "widget_templates",
    "widget_placements": "widget_placements",
    "email_templates": "email_templates",
    "abandoned_cart_emails": "abandoned_cart_emails",
    "tax_zones": "tax_zones",
    "tax_rates": "tax_rates",
    "tax_properties": "tax_properties",
    "countries": "countries",
    "country_states": "country_states",
    "themes": "themes",
    "pickup_methods": "pickup_methods",
    "custom_template_associations": "custom_template_associations",
    "product_customs_information": "customs_information",
    **{
        f"{owner}_metafields": f"{owner}_metafields"
        for owner in ("brand", "category", "variant", "customer", "order", "channel", "location")
    },
    "store_metafields": "store_metafields",
}
SETTINGS = {
    "store_profile_settings": "/v3/settings/store/profile",
    "store_locale_settings": "/v3/settings/store/locale",
    "catalog_settings": "/v3/settings/catalog",
    "inventory_settings": "/v3/settings/inventory",
    "inventory_notification_settings": "/v3/settings/inventory/notifications",
    "logo_settings": "/v3/settings/logo",
    "storefront_category_settings": "/v3/settings/storefront/category",
    "storefront_product_settings": "/v3/settings/storefront/product",
    "storefront_search_settings": "/v3/settings/storefront/search",
    "storefront_security_settings": "/v3/settings/storefront/security",
    "storefront_seo_settings": "/v3/settings/storefront/seo",
    "storefront_status_settings": "/v3/settings/storefront/status",
    "units_of_measurement_settings": "/v3/settings/store/units-of-measurement",
    "tax_settings": "/v3/tax/settings",
    "promotion_settings": "/v3/promotions/settings",
    "order_settings": "/v3/orders/settings",
    "shipping_settings": "/v3/shipping/settings",
}
REFUND_PARTS = {"order_refund_items": "items", "order_refund_payments": "payments"}
ISSUE_STREAMS = (*LISTS, *SETTINGS, *REFUND_PARTS)


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=11, orders=150, products=80, customers=90)) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def synced(store: Sandbox) -> TapRun:
    config = store.tap_config()
    run = run_tap(config, catalog=every_stream_selected(config))
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def expected_records(store: Sandbox, stream: str) -> list[dict[str, t.Any]]:
    if stream in LISTS:
        return store.records(LISTS[stream])
    if stream in SETTINGS:
        return store.records(SETTINGS[stream])
    return [
        {**part, "refund_id": refund["id"], "order_id": refund["order_id"]}
        for refund in store.records("order_refunds")
        for part in refund[REFUND_PARTS[stream]]
    ]


def test_discovery_lists_at_least_90_streams_with_every_name_the_issue_gives(
    store: Sandbox,
) -> None:
    catalog = discover(store.tap_config())
    names = [entry["tap_stream_id"] for entry in catalog["streams"]]
    assert len(names) >= 90
    assert set(ISSUE_STREAMS) <= set(names), sorted(set(ISSUE_STREAMS) - set(names))
    assert len(ISSUE_STREAMS) == 51
    for entry in catalog["streams"]:
        keys = entry["key_properties"]
        assert keys[0] == "store_hash", (entry["tap_stream_id"], keys)


@pytest.mark.parametrize("stream", ISSUE_STREAMS)
def test_a_sync_delivers_exactly_the_sandboxs_records(
    store: Sandbox, synced: TapRun, stream: str
) -> None:
    store_hash = store.tap_config()["store_hash"]
    keys = [k for k in synced.schema_messages(stream)[0]["key_properties"] if k != "store_hash"]
    got: dict[tuple[t.Any, ...], dict[str, t.Any]] = {}
    for record in synced.records(stream):
        assert record.pop("store_hash") == store_hash
        got[tuple(record[k] for k in keys)] = record
    want = {tuple(r[k] for k in keys): r for r in expected_records(store, stream)}
    assert want, f"the sandbox has no {stream}: the test would prove nothing"
    assert sorted(got, key=repr) == sorted(want, key=repr)
    different = [key for key in want if got[key] != want[key]]
    assert not different, (stream, got[different[0]], want[different[0]])


def test_settings_come_store_wide_and_per_storefront_channel(synced: TapRun) -> None:
    """Channel 0 is the store-wide object; channel 1 (the storefront) has its own;
    channel 2 (a marketplace) has no storefront settings and is not asked for."""
    for stream, path in SETTINGS.items():
        channels = sorted(r.get("channel_id") for r in synced.records(stream))
        per_store = path in (
            "/v3/settings/store/locale",
            "/v3/tax/settings",
            "/v3/promotions/settings",
        )
        assert channels == ([None] if per_store else [0, 1]), stream


def test_children_that_cost_a_request_per_parent_are_not_selected_by_default(
    store: Sandbox,
) -> None:
    catalog = discover(store.tap_config())
    selected = {
        entry["tap_stream_id"]: next(
            m["metadata"].get("selected-by-default")
            for m in entry["metadata"]
            if not m["breadcrumb"]
        )
        for entry in catalog["streams"]
    }
    assert selected["shipping_methods"] is False
    assert selected["site_routes"] is False
    assert selected["order_refund_items"] is True  # embedded: free
    assert selected["store_profile_settings"] is True


def test_without_the_channels_scope_settings_are_read_store_wide_only(store: Sandbox) -> None:
    token = store.issue_token(scopes=["store_v2_information_read_only"])
    config = {**store.tap_config(), "access_token": token}
    run = run_tap(config, streams=["logo_settings", "storefront_seo_settings", "tax_settings"])
    assert run.returncode == 0, run.stderr[-3000:]
    assert [r["channel_id"] for r in run.records("logo_settings")] == [0]
    assert [r["channel_id"] for r in run.records("storefront_seo_settings")] == [0]
    assert len(run.records("tax_settings")) == 1
    warnings = [line for line in run.stderr.splitlines() if "store-wide values only" in line]
    assert len(warnings) == 1, warnings  # once per store, not once per stream
    assert "`store_channel_settings_read_only`" in warnings[0]
    assert token not in run.stdout + run.stderr

    strict = run_tap({**config, "strict_scopes": True}, streams=["logo_settings"])
    assert strict.returncode == 1
    assert "`store_channel_settings_read_only`" in strict.stderr
    assert "Traceback" not in strict.stderr
