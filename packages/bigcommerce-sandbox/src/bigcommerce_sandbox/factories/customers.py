"""Customers (v3) and their addresses, attributes and attribute values."""

from __future__ import annotations

from typing import Any

from bigcommerce_sandbox import fake
from bigcommerce_sandbox.dates import iso
from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.state import Row, child_ids
from bigcommerce_sandbox.stream import Stream

ATTRIBUTES = (
    (1, "Shoe size", "number"),
    (2, "Favourite colour", "string"),
    (3, "Birthday", "date"),
)
ATTRIBUTES_CREATED = 1719792000  # 2024-07-01


def names(ctx: Ctx, customer_id: int) -> tuple[str, str]:
    """Stable across edits so name sorts and cursors stay meaningful."""
    return fake.person(Stream(ctx.seed, "customer_name", customer_id))


def addresses(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    n = fake.count(ctx.seed, "customer_addresses", row.id, 0, 3)
    first, last = names(ctx, row.id)
    out = []
    for aid in child_ids(row.id, n):
        r = Stream(ctx.seed, "customer_address", aid, row.version)
        a = fake.address(r)
        out.append(
            {
                "id": aid,
                "customer_id": row.id,
                "first_name": first,
                "last_name": last,
                "company": r.choice(("", "Ångström AB")),
                "address1": a["street_1"],
                "address2": a["street_2"],
                "city": a["city"],
                "state_or_province": a["state"],
                "postal_code": a["zip"],
                "country": a["country"],
                "country_code": a["country_iso2"],
                "phone": a["phone"],
                "address_type": r.choice(("residential", "commercial")),
                "form_fields": [
                    {"name": "Door code", "value": str(r.randint(1000, 9999)), "address_id": aid}
                ],
            }
        )
    return out


def attribute_values(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    r = Stream(ctx.seed, "customer_attributes", row.id, row.version)
    n = fake.count(ctx.seed, "customer_attributes", row.id, 0, 3)
    values = {1: str(r.randint(35, 46)), 2: r.choice(("Vert", "青", "Crimson")), 3: "1990-04-12"}
    return [
        {
            "id": vid,
            "customer_id": row.id,
            "attribute_id": ATTRIBUTES[k][0],
            "attribute_value": values[ATTRIBUTES[k][0]],
            "date_created": iso(row.created),
            "date_modified": iso(row.modified),
        }
        for k, vid in enumerate(child_ids(row.id, n))
    ]


def attributes() -> list[dict[str, Any]]:
    return [
        {
            "id": aid,
            "name": name,
            "type": typ,
            "date_created": iso(ATTRIBUTES_CREATED),
            "date_modified": iso(ATTRIBUTES_CREATED),
        }
        for aid, name, typ in ATTRIBUTES
    ]


def customer(ctx: Ctx, row: Row, include: frozenset[str] = frozenset()) -> dict[str, Any]:
    r = Stream(ctx.seed, "customer", row.id, row.version)
    first, last = names(ctx, row.id)
    addrs = addresses(ctx, row)
    attrs = attribute_values(ctx, row)
    rec: dict[str, Any] = {
        "id": row.id,
        "email": fake.email_for(first, last, row.id),
        "first_name": first,
        "last_name": last,
        "company": r.choice(("", "渡辺商事", "Café Bleu SARL")),
        "phone": r.choice(("", f"+46 70 {r.randint(100, 999)} {r.randint(1000, 9999)}")),
        "registration_ip_address": f"198.51.100.{r.randint(1, 254)}",
        "notes": r.choice(("", "Prefers email — préfère le courriel")),
        "tax_exempt_category": "",
        "customer_group_id": r.choice((0, 0, 1, 2)),
        "date_modified": iso(row.modified),
        "date_created": iso(row.created),
        "address_count": len(addrs),
        "attribute_count": len(attrs),
        "authentication": {"force_password_reset": False},
        "accepts_product_review_abandoned_cart_emails": r.random() < 0.5,
        "origin_channel_id": 1,
        "channel_ids": [1],
    }
    if "addresses" in include:
        rec["addresses"] = addrs
    if "attributes" in include:
        rec["attributes"] = attrs
    if "formfields" in include:
        rec["form_fields"] = [
            {
                "name": "Newsletter topic",
                "value": r.choice(("Déco", "Küche")),
                "customer_id": row.id,
            }
        ]
    if "storecredit" in include:
        rec["store_credit_amounts"] = [{"amount": round(r.choice((0, 0, 5, 12.5)), 2)}]
    return rec


def subscribers(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    """Every third customer subscribes to the newsletter."""
    if row.id % 3:
        return []
    first, last = names(ctx, row.id)
    return [
        {
            "id": row.id,
            "email": fake.email_for(first, last, row.id),
            "first_name": first,
            "last_name": last,
            "source": ("storefront", "order", "custom")[row.id % 3],
            "order_id": None,
            "channel_id": 1,
            "consents": ["marketing_newsletter"],
            "date_modified": iso(row.modified),
            "date_created": iso(row.created),
        }
    ]


def wishlists(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    n = fake.count(ctx.seed, "wishlists", row.id, -2, 1)
    if n <= 0:
        return []
    return [
        {
            "id": wid,
            "customer_id": row.id,
            "name": "Noël 🎄",
            "is_public": bool(wid % 2),
            "token": f"00000000-0000-4000-8000-{wid:012d}",
            "items": [
                {
                    "id": wid * 4 + k,
                    "product_id": 111 + (wid + k) % max(ctx.n_products, 1),
                    "variant_id": 0,
                }
                for k in range(2)
            ],
        }
        for wid in child_ids(row.id, n)
    ]
