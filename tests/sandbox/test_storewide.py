"""The endpoints of issue 16 (shipping, tax, content, sites, settings, more metafields):
their bodies validate against the official specs and carry what the specs declare, and
each pages (or does not) and filters as its spec says."""

from __future__ import annotations

import re
import typing as t

import pytest

from benchmarks.minimum import SETTINGS_ENDPOINTS
from tests.sandbox.conftest import Api
from tests.sandbox.spec import errors, load, response_pointer
from tests.sandbox.test_schemas import declared, present

SETTINGS = "settings.v3.yml"
# The blog tags list is declared as an array of `blogTags`, itself an array of tags; the API
# sends one flat array of tags, which is validated as one `blogTags`.
FLAT_ARRAY_OF_ARRAYS = frozenset({("store_content.v2.yml", "/blog/tags")})
# A widget template's form schema nests tabs, sections and settings (a oneOf per level):
# every level is validated; served are the tab shape, its sections and their settings
# (the array shape, with its own settings and nested schema, is not).
COMPLETENESS_EXEMPT = re.compile(
    r"schema\[\]\.(schema|settings|defaultCount|entryLabel|id|thumbnail|type)"
)

# (spec file, spec path, sandbox path, query)
CASES: list[tuple[str, str, str, dict[str, t.Any]]] = [
    ("shipping.v2.yml", "/shipping/zones", "/v2/shipping/zones", {}),
    ("shipping.v2.yml", "/shipping/zones/{zone_id}/methods", "/v2/shipping/zones/2/methods", {}),
    ("payments/methods_payments.v2.yml", "/payments/methods", "/v2/payments/methods", {}),
    ("redirects.v3.yml", "/storefront/redirects", "/v3/storefront/redirects", {"limit": 250}),
    ("store_content.v2.yml", "/blog/tags", "/v2/blog/tags", {}),
    ("segments.v3.yml", "/segments", "/v3/segments", {}),
    ("segments.v3.yml", "/shopper-profiles", "/v3/shopper-profiles", {"limit": 250}),
    ("sites.v3.yml", "/sites", "/v3/sites", {}),
    ("sites.v3.yml", "/sites/{site_id}/routes", "/v3/sites/1000/routes", {}),
    ("scripts.v3.yml", "/content/scripts", "/v3/content/scripts", {}),
    ("widgets.v3.yml", "/content/widgets", "/v3/content/widgets", {}),
    ("widgets.v3.yml", "/content/widget-templates", "/v3/content/widget-templates", {}),
    ("widgets.v3.yml", "/content/placements", "/v3/content/placements", {}),
    ("email_templates.v3.yml", "/marketing/email-templates", "/v3/marketing/email-templates", {}),
    (
        "abandoned_cart_emails.v3.yaml",
        "/marketing/abandoned-cart-emails",
        "/v3/marketing/abandoned-cart-emails",
        {},
    ),
    ("tax_rates_zones.v3.yml", "/tax/zones", "/v3/tax/zones", {}),
    ("tax_rates_zones.v3.yml", "/tax/rates", "/v3/tax/rates", {}),
    ("tax_properties.v3.yml", "/tax/properties", "/v3/tax/properties", {}),
    ("geography.v2.yml", "/countries", "/v2/countries", {}),
    ("geography.v2.yml", "/countries/states", "/v2/countries/states", {"limit": 250}),
    ("themes.v3.yml", "/themes", "/v3/themes", {}),
    ("pickup_methods.v3.yml", "/pickup/methods", "/v3/pickup/methods", {}),
    (
        "custom-template-associations.v3.yml",
        "/storefront/custom-template-associations",
        "/v3/storefront/custom-template-associations",
        {},
    ),
    (
        "shipping.v3.yml",
        "/shipping/products/customs-information",
        "/v3/shipping/products/customs-information",
        {"limit": 250},
    ),
    *(
        (spec, path, f"/v3{path}", {"limit": 250})
        for spec, path in (
            ("catalog/brands_catalog.v3.yml", "/catalog/brands/metafields"),
            ("catalog/categories_catalog.v3.yml", "/catalog/categories/metafields"),
            ("catalog/product-variants_catalog.v3.yml", "/catalog/variants/metafields"),
            ("customers.v3.yml", "/customers/metafields"),
            ("orders.v3.yml", "/orders/metafields"),
            ("channels.v3.yml", "/channels/metafields"),
            ("locations.v3.yml", "/inventory/locations/metafields"),
            ("store_information.v3.yml", "/store/metafields"),
        )
    ),
    *(
        (SETTINGS, path.removeprefix("/v3"), path, query)
        for path, channels in SETTINGS_ENDPOINTS
        if channels == "param"
        for query in ({}, {"channel_id": 1})
    ),
    (SETTINGS, "/settings/store/locale", "/v3/settings/store/locale", {}),
    ("tax_settings.v3.yml", "/tax/settings", "/v3/tax/settings", {}),
    ("promotion_settings.v3.yml", "/promotions/settings", "/v3/promotions/settings", {}),
    ("orders.v3.yml", "/orders/settings", "/v3/orders/settings", {}),
    (
        "orders.v3.yml",
        "/orders/settings/channels/{channel_id}",
        "/v3/orders/settings/channels/1",
        {},
    ),
    ("shipping.v3.yml", "/shipping/settings", "/v3/shipping/settings", {}),
    (
        "shipping.v3.yml",
        "/shipping/settings/channels/{channel_id}",
        "/v3/shipping/settings/channels/1",
        {},
    ),
]


@pytest.mark.parametrize(
    ("spec", "spec_path", "path", "query"), CASES, ids=[f"{c[2]}{c[3] or ''}" for c in CASES]
)
def test_response_validates_and_serves_every_declared_property(
    api: Api, spec: str, spec_path: str, path: str, query: dict[str, t.Any]
) -> None:
    body = api.json(path, **query)
    flat = (spec, spec_path) in FLAT_ARRAY_OF_ARRAYS
    problems = errors(spec, spec_path, [body] if flat else body)
    assert not problems, problems[:5]
    doc = load(spec)
    node: t.Any = doc
    for part in response_pointer(spec, spec_path).lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    served = present([body] if flat else body)
    gaps = sorted(
        w
        for w in declared(doc, node) - served
        if not w.startswith(".meta") and not COMPLETENESS_EXEMPT.search(w)
    )
    assert not gaps, gaps


def test_unpaged_lists_answer_whole_whatever_the_page(api: Api) -> None:
    """Shipping zones and blog tags declare no paging: `page` changes nothing, no 204."""
    for path in ("/v2/shipping/zones", "/v2/blog/tags"):
        first = api.json(path)
        assert first
        assert api.json(path, page=2, limit=1) == first
    themes = api.json("/v3/themes", page=3, limit=1)
    assert len(themes["data"]) == 2
    assert themes["meta"] == {}


def test_sites_page_by_offset(api: Api) -> None:
    first = api.json("/v3/sites", limit=1)
    second = api.json("/v3/sites", limit=1, page=2)
    assert first["meta"]["pagination"] == {"offset": 0, "limit": 1, "total_items": 2}
    assert second["meta"]["pagination"]["offset"] == 1
    assert [s["id"] for s in first["data"] + second["data"]] == [1000, 1001]
    assert api.json("/v3/sites", page=3, limit=1)["data"] == []
    assert [s["id"] for s in api.json("/v3/sites", **{"channel_id:in": "2"})["data"]] == []


def test_site_routes_and_zone_methods_belong_to_existing_parents(api: Api) -> None:
    for site in api.json("/v3/sites")["data"]:
        routes = api.json(f"/v3/sites/{site['id']}/routes", limit=3)
        assert routes["meta"]["pagination"]["total"] == 8
        assert len(routes["data"]) == 3
        product_routes = api.json(f"/v3/sites/{site['id']}/routes", type="product")["data"]
        assert [r["type"] for r in product_routes] == ["product"]
    assert api.get("/v3/sites/999/routes").status_code == 404
    for zone in api.json("/v2/shipping/zones"):
        assert api.json(f"/v2/shipping/zones/{zone['id']}/methods")
    assert api.get("/v2/shipping/zones/99/methods").status_code == 404


def test_redirects_and_states_page_past_250(api: Api) -> None:
    first = api.json("/v3/storefront/redirects", limit=250)
    second = api.json("/v3/storefront/redirects", limit=250, page=2)
    assert first["meta"]["pagination"]["total_pages"] == 2
    ids = [r["id"] for r in first["data"] + second["data"]]
    assert len(ids) == len(set(ids)) == first["meta"]["pagination"]["total"]
    only = api.json("/v3/storefront/redirects", site_id=1000)["data"]
    assert only
    assert {r["site_id"] for r in only} == {1000}
    assert [r["id"] for r in api.json("/v3/storefront/redirects", **{"id:in": "3,7"})["data"]] == [
        3,
        7,
    ]
    states = api.json("/v2/countries/states", limit=250)
    assert len(states) == 250
    rest = api.json("/v2/countries/states", limit=250, page=2)
    assert rest
    assert len(rest) < 250
    assert api.get("/v2/countries/states", limit=250, page=3).status_code == 204
    countries = {c["id"] for c in api.json("/v2/countries")}
    assert {s["country_id"] for s in states + rest} <= countries


def test_tax_rates_filter_by_zone_and_belong_to_zones(api: Api) -> None:
    zones = {z["id"] for z in api.json("/v3/tax/zones")["data"]}
    rates = api.json("/v3/tax/rates")["data"]
    assert {r["tax_zone_id"] for r in rates} == zones
    only = api.json("/v3/tax/rates", **{"tax_zone_id:in": "2"})["data"]
    assert only
    assert {r["tax_zone_id"] for r in only} == {2}


def test_customs_information_and_shopper_profiles_follow_their_parents(api: Api) -> None:
    products = {row["id"] for row in api.sb.truth("products")}
    customs = api.json("/v3/shipping/products/customs-information", limit=250)["data"]
    assert customs
    assert {c["product_id"] for c in customs} <= products
    some = sorted(c["product_id"] for c in customs)[:2]
    picked = api.json(
        "/v3/shipping/products/customs-information",
        **{"product_id:in": ",".join(map(str, some))},
    )["data"]
    assert sorted(c["product_id"] for c in picked) == some
    customers = {row["id"] for row in api.sb.truth("customers")}
    profiles = api.json("/v3/shopper-profiles", limit=250)["data"]
    assert profiles
    assert {p["customer_id"] for p in profiles} <= customers


def test_metafields_filter_by_date_modified_and_page_by_cursor(api: Api) -> None:
    for path in ("/v3/catalog/brands/metafields", "/v3/store/metafields"):
        everything = api.json(path, limit=250)["data"]
        assert everything
        latest = max(m["date_modified"] for m in everything)
        recent = api.json(path, **{"date_modified:min": latest})["data"]
        assert recent
        assert all(m["date_modified"] >= latest for m in recent)
        first = api.json(path, limit=1)
        cursor = first["meta"]["cursor_pagination"]
        after = api.json(path, limit=250, after=cursor["end_cursor"])["data"]
        assert [m["id"] for m in first["data"] + after] == [m["id"] for m in everything]
    brands = {row["id"] for row in api.sb.truth("brands")}
    owners = {
        m["resource_id"] for m in api.json("/v3/catalog/brands/metafields", limit=250)["data"]
    }
    assert owners <= brands


def test_settings_per_channel(api: Api) -> None:
    store_wide = api.json("/v3/settings/logo")["data"]
    storefront = api.json("/v3/settings/logo", channel_id=1)["data"]
    assert store_wide != storefront
    assert api.get("/v3/settings/logo", channel_id=2).status_code == 422  # a marketplace
    assert api.get("/v3/settings/logo", channel_id=9).status_code == 404
    assert api.get("/v3/orders/settings/channels/2").status_code == 422
    # The locale takes no channel: the parameter changes nothing.
    assert api.json("/v3/settings/store/locale", channel_id=1) == api.json(
        "/v3/settings/store/locale"
    )
