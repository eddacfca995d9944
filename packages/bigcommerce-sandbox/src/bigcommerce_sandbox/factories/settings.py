"""Store-wide settings, content, channels, price lists, inventory, webhooks and logs.

The small lists (a handful of records each) are fixed per store; the ones that grow
with the catalog (price-list records, channel listings, inventory items) are children
of products and change when their product does.
"""

from __future__ import annotations

from typing import Any

from bigcommerce_sandbox import fake
from bigcommerce_sandbox.dates import iso, rfc2822
from bigcommerce_sandbox.factories import catalog
from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.factories.templates import shapes, skeleton
from bigcommerce_sandbox.state import ANCHOR, CHILD_SLOTS, Row

SETUP = ANCHOR - 2 * 365 * 86400  # when the store's settings were created
CHANNELS = (
    (1, "storefront", "bigcommerce", "Boutique Ångström"),
    (2, "marketplace", "amazon", "Amazon EU"),
)
PRICE_LISTS = ((1, "Wholesale — Großhandel"), (2, "VIP 会員"))
PROMOTIONS = (
    (1, "AUTOMATIC", "Free shipping over $100"),
    (2, "COUPON", "Soldes d'hiver"),
    (3, "COUPON", "Spring 10%"),
    (4, "AUTOMATIC", "Buy 2 get 1 ☕"),
)
CODES_PER_PROMOTION = {2: 3, 3: 260}  # one promotion with more codes than a page


def customer_groups(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        skeleton(
            "customer_groups",
            id=gid,
            name=name,
            is_default=gid == 1,
            date_created=rfc2822(SETUP + gid * 86400),
            date_modified=rfc2822(SETUP + gid * 86400 * 2),
            discount_rules=rules,
        )
        for gid, name, rules in (
            (1, "Retail", []),
            (2, "Wholesale", [{"type": "price_list", "price_list_id": 1}]),
            (
                3,
                "Ämbassadörer",
                [
                    {
                        "type": "category",
                        "method": "percent",
                        "amount": "5.0000",
                        "category_id": 18,
                    },
                    {"type": "product", "method": "fixed", "amount": "2.5000", "product_id": 111},
                ],
            ),
        )
    ]


def promotions(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        skeleton(
            "promotions",
            0 if kind == "AUTOMATIC" else 1,
            id=pid,
            name=name,
            redemption_type=kind,
            start_date=iso(SETUP),
        )
        for pid, kind, name in PROMOTIONS
    ]


def promotion_codes(ctx: Ctx, promotion_id: int) -> list[dict[str, Any]] | None:
    """None when there is no such promotion (a 404)."""
    del ctx
    if promotion_id not in {p[0] for p in PROMOTIONS}:
        return None
    return [
        skeleton(
            "promotion_codes",
            id=promotion_id * 1000 + k,
            code=f"P{promotion_id}-{k:04d}",
            created=iso(SETUP + k * 3600),
        )
        for k in range(1, CODES_PER_PROMOTION.get(promotion_id, 0) + 1)
    ]


def channels(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        skeleton(
            "channels",
            id=cid,
            type=typ,
            platform=platform,
            name=name,
            external_id="" if cid == 1 else "A1PA6795UKMFR9",
            status="active",
            is_enabled=True,
            is_visible=True,
            date_created=iso(SETUP),
            date_modified=iso(SETUP + cid * 86400),
        )
        for cid, typ, platform, name in CHANNELS
    ]


def _product_skus(ctx: Ctx, row: Row) -> list[tuple[int, str]]:
    """(variant id, sku) of each variant, or the product's base variant when it has none."""
    variants = catalog.variants(ctx, row)
    if variants:
        return [(v["id"], v["sku"]) for v in variants]
    return [(row.id * CHILD_SLOTS, f"SKU-{row.id}")]


def channel_listings(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    """One listing per channel for every product."""
    name = catalog.product_name(ctx, row.id)
    stamps = {"date_created": iso(row.created), "date_modified": iso(row.modified)}
    out = []
    for cid, *_ in CHANNELS:
        listing = skeleton("channel_listings")
        variant = listing["variants"][0]
        listing_id = row.id * len(CHANNELS) + cid
        listing.update(
            channel_id=cid,
            listing_id=listing_id,
            external_id=f"L-{listing_id}",
            product_id=row.id,
            name=name,
            description=f"{name} — listed",
            variants=[
                {
                    **variant,
                    **stamps,
                    "channel_id": cid,
                    "product_id": row.id,
                    "variant_id": vid,
                    "external_id": sku,
                    "name": name,
                }
                for vid, sku in _product_skus(ctx, row)
            ],
            **stamps,
        )
        out.append(listing)
    return out


def price_list_records(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    """A price in every price list for each of the product's variants."""
    base = catalog.price_of(ctx, row)
    return [
        skeleton(
            "price_list_records",
            price_list_id=plid,
            product_id=row.id,
            variant_id=vid,
            sku=sku,
            currency="usd",
            price=round(base * (0.8 if plid == 1 else 0.9), 2),
            calculated_price=round(base * (0.8 if plid == 1 else 0.9), 2),
            date_created=iso(row.created),
            date_modified=iso(row.modified),
        )
        for plid, _ in PRICE_LISTS
        for vid, sku in _product_skus(ctx, row)
    ]


def price_lists(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        skeleton(
            "price_lists",
            id=plid,
            name=name,
            date_created=iso(SETUP),
            date_modified=iso(SETUP + plid * 86400),
        )
        for plid, name in PRICE_LISTS
    ]


def price_list_assignments(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        skeleton("price_list_assignments", id=k, price_list_id=plid, customer_group_id=k + 1)
        for k, (plid, _) in enumerate(PRICE_LISTS, start=1)
    ]


def inventory_items(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    out = []
    for vid, sku in _product_skus(ctx, row):
        item = skeleton("inventory_items")
        item["identity"] = {**item["identity"], "sku": sku, "variant_id": vid, "product_id": row.id}
        stock = fake.count(ctx.seed, "stock", vid, 0, 80)
        item["locations"] = [
            {**item["locations"][0], "available_to_sell": stock, "total_inventory_onhand": stock}
        ]
        out.append(item)
    return out


def locations(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        skeleton("locations", id=lid, code=f"LOC-{lid}", label=label)
        for lid, label in ((1, "Warehouse Malmö"), (2, "Shop 東京"))
    ]


def currencies(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        skeleton(
            "currencies",
            id=cid,
            currency_code=code,
            is_default=cid == 1,
            last_updated=rfc2822(SETUP + cid * 86400),
        )
        for cid, code in ((1, "USD"), (2, "EUR"), (3, "SEK"))
    ]


def tax_classes(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        skeleton(
            "tax_classes",
            id=tid,
            name=name,
            created_at=rfc2822(SETUP),
            updated_at=rfc2822(SETUP + int(tid) * 86400),
        )
        for tid, name in (
            ("0", "Default Tax Class"),
            ("1", "Non-Taxable Products"),
            ("2", "Shipping"),
        )
    ]


PAGE_TYPES = ("page", "blog", "contact_form", "raw", "link")


def pages(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        skeleton("pages", k, id=k + 1, type=typ, name=f"Page {k + 1} — {typ}")
        for k, typ in enumerate(PAGE_TYPES[: shapes("pages")])
    ]


def blog_posts(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        skeleton(
            "blog_posts",
            id=k,
            title=title,
            published_date={
                "timezone_type": 1,
                "date": iso(SETUP + k * 86400 * 30),
                "timezone": "+00:00",
            },
        )
        for k, title in ((1, "Hello, world"), (2, "Nouveautés d'automne"), (3, "新商品のお知らせ"))
    ]


def webhooks(ctx: Ctx) -> list[dict[str, Any]]:
    return [
        skeleton(
            "webhooks",
            id=k,
            store_hash=ctx.store_hash,
            scope=scope,
            destination=f"https://hooks.example.com/{k}",
            # Custom headers sent with each callback: keys are the app's own strings.
            headers={"X-Custom-Auth": f"hook-{k}", "X-Request-Source": "bigcommerce"},
            is_active=True,
            created_at=SETUP + k,
            updated_at=SETUP + k * 2,
        )
        for k, scope in ((1, "store/order/*"), (2, "store/product/updated"))
    ]


def store_logs(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        skeleton(
            "store_logs",
            id=k,
            type="general",
            module="orders",
            severity=str(1 + k % 4),
            summary=f"Log entry {k}",
            message="Order status changed — statut modifié",
            date_created=iso(SETUP + k * 3600),
        )
        for k in range(1, 8)
    ]
