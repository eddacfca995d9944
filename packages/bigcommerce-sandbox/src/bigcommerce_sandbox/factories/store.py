"""Store-level records: store information and marketing coupons (v2)."""

from __future__ import annotations

from typing import Any

from bigcommerce_sandbox import fake
from bigcommerce_sandbox.dates import rfc2822
from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.state import ANCHOR, Row

COUPON_TYPES = (
    "per_item_discount",
    "per_total_discount",
    "shipping_discount",
    "free_shipping",
    "percentage_discount",
)


def coupon(ctx: Ctx, row: Row) -> dict[str, Any]:
    r = fake.rng(ctx.seed, "coupon", row.id, row.version)
    typ = r.choice(COUPON_TYPES)
    return {
        "id": row.id,
        "date_created": rfc2822(row.created),
        "num_uses": r.randint(0, 300),
        "name": f"Soldes d'été {row.id}",
        "type": typ,
        "amount": fake.money2(r.choice((5, 10, 15))),
        "min_purchase": fake.money2(r.choice((0, 25, 50))),
        "expires": r.choice(("", rfc2822(ANCHOR + 86400 * 90))),
        "enabled": r.random() < 0.8,
        "code": f"SUMMER-{row.id}",
        "applies_to": {"ids": [0], "entity": "categories"},
        "max_uses": r.choice((0, 100)),
        "max_uses_per_customer": r.choice((0, 1)),
        "restricted_to": {"countries": "US"},
        "shipping_methods": [],
    }


def store_info(ctx: Ctx, index: int) -> dict[str, Any]:
    return {
        "id": ctx.store_hash,
        "account_uuid": f"6b6c1b4e-0000-4000-8000-{index:012d}",
        "domain": f"{ctx.store_hash}.sandbox.example",
        "secure_url": f"https://{ctx.store_hash}.sandbox.example",
        "control_panel_base_url": f"https://store-{ctx.store_hash}.sandbox.example",
        "status": "live",
        "name": f"Boutique Ångström #{index + 1}",
        "first_name": "Zoë",
        "last_name": "Ångström",
        "address": "1 Ångströmvägen, Malmö",
        "country": "Sweden",
        "country_code": "SE",
        "infrastructure_region": "us-central1",
        "phone": "+46 40 123 45",
        "admin_email": "owner@example.com",
        "order_email": "orders@example.com",
        "favicon_url": "https://cdn11.bigcommerce.com/favicon.ico",
        "timezone": {
            "name": "Etc/UTC",
            "raw_offset": 0,
            "dst_offset": 0,
            "dst_correction": False,
            "date_format": {
                "display": "jS M Y",
                "export": "M jS Y",
                "extended_display": "M jS Y @ g:i A",
            },
        },
        "language": "en",
        "currency": "USD",
        "currency_symbol": "$",
        "decimal_separator": ".",
        "thousands_separator": ",",
        "decimal_places": 2,
        "currency_symbol_location": "left",
        "weight_units": "kg",
        "dimension_units": "Centimeters",
        "dimension_decimal_places": 2,
        "dimension_decimal_token": ".",
        "dimension_thousands_token": ",",
        "plan_name": "Pro",
        "plan_level": "Pro",
        "plan_is_trial": False,
        "industry": "Home & Garden",
        "logo": {"url": "https://cdn11.bigcommerce.com/logo.png"},
        "is_price_entered_with_tax": False,
        "store_id": 1000000 + index,
        "default_channel_id": 1,
        "default_site_id": 1000 + index,
        "active_comparison_modules": [],
        "features": {
            "stencil_enabled": True,
            "sitewidehttps_enabled": True,
            "facebook_catalog_id": "",
            "checkout_type": "optimized",
            "wishlists_enabled": True,
            "graphql_storefront_api_enabled": True,
            "shopper_consent_tracking_enabled": False,
            "multi_storefront_enabled": False,
            "storefront_limits": {"active": 1, "total_including_inactive": 1},
        },
    }
