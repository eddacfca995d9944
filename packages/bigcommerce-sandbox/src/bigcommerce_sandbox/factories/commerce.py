"""Shipping, payments, tax, geography, pickup, customs information and segments.

The fixed lists are generated once per store; the ones that follow the store's tables
are children: customs information of products (some products have it), shopper
profiles of customers (some customers have one), and they change with their parent.
Shipping methods belong to existing zones, tax rates to existing zones, states to
existing countries, pickup methods to existing locations.
"""

from __future__ import annotations

from typing import Any

from bigcommerce_sandbox import fake
from bigcommerce_sandbox.dates import iso
from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.factories.settings import SETUP, locations
from bigcommerce_sandbox.state import Row

ZONES = ((1, "United States", "country"), (2, "Europe — EU", "global"), (3, "Hokkaidō", "state"))
COUNTRIES = (
    (226, "United States", "US", "USA", 60),
    (38, "Canada", "CA", "CAN", 13),
    (13, "Australia", "AU", "AUS", 8),
    (81, "Germany", "DE", "DEU", 16),
    (73, "France", "FR", "FRA", 18),
    (107, "Japan", "JP", "JPN", 47),
    (196, "Spain", "ES", "ESP", 52),
    (105, "Italy", "IT", "ITA", 20),
    (30, "Brazil", "BR", "BRA", 27),
    (205, "Sweden", "SE", "SWE", 21),
    (153, "Norway", "NO", "NOR", 0),
)  # 282 states in all: more than a page


def shipping_zones(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        {
            "id": zid,
            "name": name,
            "type": kind,
            "locations": [
                {
                    "id": zid * 10 + 1,
                    "zip": "",
                    "country_iso2": ("US", "DE", "JP")[zid - 1],
                    "state_iso2": "01" if kind == "state" else "",
                }
            ],
            "free_shipping": {
                "enabled": zid == 1,
                "minimum_sub_total": "100.0000",
                "exclude_fixed_shipping_products": False,
            },
            "handling_fees": {
                "fixed_surcharge": "1.5000" if zid == 2 else "0.0000",
                "percentage_surcharge": "0.0000",
                "display_separately": zid == 2,
            },
            "enabled": True,
        }
        for zid, name, kind in ZONES
    ]


def shipping_methods(ctx: Ctx, zone_id: int) -> list[dict[str, Any]] | None:
    """The methods of one zone (None: no such zone)."""
    del ctx
    if zone_id not in {z[0] for z in ZONES}:
        return None
    kinds = (("perorder", 9.5), ("weight", 2.25), ("total", 4.0))[: 1 + zone_id % 3]
    return [
        {
            "id": zone_id * 10 + k,
            "name": f"{kind.title()} — zone {zone_id}",
            "type": kind,
            "settings": {"rate": rate},
            "enabled": True,
            "handling_fees": {"fixed_surcharge": 0.5 * k, "percentage_surcharge": 0},
            "is_fallback": k == 1 and zone_id == 2,
            "channel_ids": [1],
        }
        for k, (kind, rate) in enumerate(kinds, start=1)
    ]


def payment_methods(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        {"code": code, "name": name, "test_mode": test}
        for code, name, test in (
            ("braintree", "Braintree", False),
            ("paypalexpress", "PayPal Express", False),
            ("cod", "Cash on Delivery — Nachnahme", False),
            ("testgateway", "Test Payment Gateway", True),
        )
    ]


def tax_zones(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        {
            "id": zid,
            "name": name,
            "enabled": True,
            "price_display_settings": {
                "show_inclusive": zid == 2,
                "show_both_on_detail_view": False,
                "show_both_on_list_view": False,
            },
            "shopper_target_settings": {
                "locations": [
                    {"country_code": code, "subdivision_codes": subs, "postal_codes": []}
                ],
                "customer_groups": [] if zid == 1 else [1, 2],
            },
        }
        for zid, name, code, subs in (
            (1, "Default Tax Zone", "US", ["CA", "NY"]),
            (2, "EU VAT — MwSt", "DE", []),
        )
    ]


def tax_rates(ctx: Ctx) -> list[dict[str, Any]]:
    """Rates of the existing tax zones, one per tax class (0, 1, 2)."""
    del ctx
    return [
        {
            "id": rid,
            "tax_zone_id": zone,
            "name": name,
            "enabled": True,
            "priority": priority,
            "class_rates": [
                {"rate": rate if tc != 1 else 0, "tax_class_id": tc} for tc in (0, 1, 2)
            ],
        }
        for rid, zone, name, priority, rate in (
            (1, 1, "State sales tax", 1, 7.25),
            (2, 1, "City tax", 2, 1.5),
            (3, 2, "VAT 19%", 1, 19),
        )
    ]


def tax_properties(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        {
            "id": k,
            "code": code,
            "display_name": name,
            "description": f"{name} for the tax provider",
            "created_at": iso(SETUP + k * 86400),
            "updated_at": iso(SETUP + k * 86400 * 2),
            "type": kind,
        }
        for k, (code, name, kind) in enumerate(
            (("hs-code", "HS code", "PRODUCT"), ("vat-exempt", "VAT exempt — befreit", "CUSTOMER")),
            start=1,
        )
    ]


def countries(ctx: Ctx) -> list[dict[str, Any]]:
    return [
        {
            "id": cid,
            "country": name,
            "country_iso2": iso2,
            "country_iso3": iso3,
            "states": {
                "url": ctx.v2(f"/countries/{cid}/states"),
                "resource": f"/countries/{cid}/states",
            },
        }
        for cid, name, iso2, iso3, _ in COUNTRIES
    ]


def country_states(ctx: Ctx) -> list[dict[str, Any]]:
    """Every country's states (subdivisions), ids unique store-wide."""
    del ctx
    return [
        {
            "id": cid * 100 + k,
            "state": f"{name} — region {k}",
            "state_abbreviation": f"{iso2}{k:02d}",
            "country_id": cid,
        }
        for cid, name, iso2, _, n in COUNTRIES
        for k in range(1, n + 1)
    ]


def pickup_methods(ctx: Ctx) -> list[dict[str, Any]]:
    """One pickup method per existing location."""
    return [
        {
            "id": k,
            "location_id": location["id"],
            "display_name": f"Click & collect — {location['label']}",
            "collection_instructions": "Bring your order number",
            "collection_time_description": "Ready within 2 hours",
            "location_identity": location["id"],
            "date_created": iso(SETUP + k * 86400),
            "date_modified": iso(SETUP + k * 86400 * 4),
        }
        for k, location in enumerate(locations(ctx), start=1)
    ]


def customs_information(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    """Customs information of a product: about one product in four has it."""
    if fake.count(ctx.seed, "customs", row.id, 0, 3) != 0:
        return []
    return [
        {
            "product_id": row.id,
            "country_of_origin": ("US", "DE", "JP", "SE")[row.id % 4],
            "commodity_description": f"Goods of product {row.id} — Waren",
            "international_shipping": row.id % 2 == 0,
            "hs_codes": {"ALL": "6109.10", "US": "6109.10.0012"} if row.id % 3 else {},
            "created_at": iso(row.created),
            "updated_at": iso(row.modified),
        }
    ]


SEGMENTS = (
    ("1b6c2d2e-0000-4000-8000-000000000001", "VIP", "Customers with 5+ orders"),
    ("1b6c2d2e-0000-4000-8000-000000000002", "Newsletter", "Opted in — inscrits"),
    ("1b6c2d2e-0000-4000-8000-000000000003", "Lapsed", "No order in a year"),
)


def segments(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        {
            "id": sid,
            "name": name,
            "description": description,
            "created_at": iso(SETUP + k * 86400),
            "updated_at": iso(SETUP + k * 86400 * 10),
        }
        for k, (sid, name, description) in enumerate(SEGMENTS, start=1)
    ]


def shopper_profiles(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    """A customer's shopper profile: about one customer in three has one."""
    if fake.count(ctx.seed, "shopper_profile", row.id, 0, 2) != 0:
        return []
    return [
        {
            "id": f"9d0e7a3c-0000-4000-8000-{row.id:012d}",
            "customer_id": row.id,
            "created_at": iso(row.created),
            "updated_at": iso(row.modified),
        }
    ]
