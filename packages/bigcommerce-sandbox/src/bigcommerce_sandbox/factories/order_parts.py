"""The parts of an order drawn from pools: its line items and its addresses.

A cold page of 250 orders with consignments and line items renders about 900 line items
and 500 addresses. Drawing each of their dozen random fields and formatting a dozen money
strings per item made rendering, not the tap, the bound of the quota benchmark. So the
fields that do not depend on the record's ids (quantity, price and every money string
derived from it, weight, options, brand...; an address's names, street, phone and the
local part of its e-mail) are generated once per process into fixed pools, from a fixed
seed, and a record picks one pool entry with its own ``Stream``: a record's content is
still a pure function of ``(seed, id, version)``, and a line item's product is still
drawn from the whole catalogue. The pools cost a few tens of milliseconds and about two
megabytes, built on the first order rendered, never at start-up.
"""

from __future__ import annotations

import functools
from typing import Any

from bigcommerce_sandbox import fake
from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.state import CHILD_SLOTS, Row, child_ids
from bigcommerce_sandbox.stream import Stream

PRODUCT_BASE = 111
ITEM_POOL = 2048
ADDRESS_POOL = 1024
_POOL_SEED = 0x0DE5
_MODES = ("pickup", "pickup", "download", "download", "gift", *("ship",) * 15)
_OPTION_KEYS = (
    "product_option_id",
    "display_name",
    "display_value",
    "value",
    "type",
    "name",
    "display_style",
    "display_name_customer",
    "display_name_merchant",
    "display_value_customer",
    "display_value_merchant",
)


def n_products(ctx: Ctx, order_id: int) -> int:
    return fake.count(ctx.seed, "order_products", order_id, 1, 6)


@functools.lru_cache(maxsize=65536)
def catalog_name(seed: int, product_id: int) -> str:
    """The product's name as the catalog renders it (names are stable across edits)."""
    return fake.product_name(Stream(seed, "product_name", product_id), product_id)


def fulfilment(ctx: Ctx, order_id: int) -> str:
    """How the order is fulfilled; drives consignment shape and the last item's type."""
    return _MODES[(order_id * 7 + ctx.seed) % 20]  # every 20 orders show every shape


def _item_facts(k: int) -> tuple[Any, ...]:
    """One pool entry: everything random about a line item but its product and ids."""
    r = Stream(_POOL_SEED, "order_product", k)
    qty = r.randint(1, 4)
    price = round(r.uniform(3, 250), 2)
    tax = round(price * 0.08, 2)
    engraving = r.choice(fake.ENGRAVINGS)
    colour = r.choice(("Crimson", "Bleu ciel", "緑"))
    rows = (
        (100, "Engraving", engraving, engraving, "Text field", ""),
        (101, "Colour", colour, str(r.randint(60, 90)), "Swatch", "Swatch"),
    )[: r.randint(1, 2)]
    options = tuple(
        dict(
            zip(
                _OPTION_KEYS,
                (pid, dn, dv, val, typ, dn.lower(), style, dn, dn, dv, dv),
                strict=True,
            )
        )
        for pid, dn, dv, val, typ, style in rows
    )
    m = fake.money2
    return (
        qty,
        m(price),
        m(price + tax),
        m(tax),
        m(price * qty),
        m((price + tax) * qty),
        m(tax * qty),
        m(price * 0.6),
        m(price * 0.1),
        round(r.uniform(0.1, 5), 2),
        options,
        r.choice((None, 14)),
        f"A-{r.randint(1, 40)}",
        r.choice(fake.BRANDS),
        r.choice((None, "SPRING10")),
        r.random() < 0.2,
        r.random() < 0.25,
        f"{r.randint(10**11, 10**12 - 1)}",
        r.randint(0, 3),
    )


@functools.cache
def _item_pool() -> tuple[tuple[Any, ...], ...]:
    return tuple(_item_facts(k) for k in range(ITEM_POOL))


def order_products(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    pool = _item_pool()
    items = []
    mode = fulfilment(ctx, row.id)
    ids = child_ids(row.id, n_products(ctx, row.id))
    n_catalog = max(ctx.n_products, 1)
    refunded = row.status == 4
    shipped_all = row.status in (2, 10)
    pickup = mode == "pickup"
    address_id = 0 if pickup else row.id * CHILD_SLOTS
    for k, item_id in enumerate(ids):
        last = k == len(ids) - 1
        kind = (
            "digital"
            if last and mode == "download"
            else "giftcertificate"
            if last and mode == "gift"
            else "physical"
        )
        r = Stream(ctx.seed, "order_product", item_id, row.version)
        product_id = PRODUCT_BASE + r.randrange(n_catalog)
        (
            qty,
            price,
            price_inc,
            tax,
            total_ex,
            total_inc,
            total_tax,
            cost,
            discount,
            weight,
            options,
            option_set,
            bin_number,
            brand,
            code,
            discount_roll,
            configurable_roll,
            upc,
            variant_k,
        ) = pool[r.randrange(ITEM_POOL)]
        name = catalog_name(ctx.seed, product_id)
        items.append(
            {
                "id": item_id,
                "order_id": row.id,
                "product_id": product_id,
                "order_pickup_method_id": 1 if pickup else 0,
                "order_address_id": address_id,
                "name": name,
                "sku": f"SKU-{product_id}-{k}",
                "type": kind,
                "base_price": price,
                "price_ex_tax": price,
                "price_inc_tax": price_inc,
                "price_tax": tax,
                "base_total": total_ex,
                "total_ex_tax": total_ex,
                "total_inc_tax": total_inc,
                "total_tax": total_tax,
                "quantity": qty,
                "base_cost_price": cost,
                "cost_price_inc_tax": cost,
                "cost_price_ex_tax": cost,
                "weight": weight,
                "width": "10.0000",
                "height": "4.0000",
                "depth": "2.0000",
                "cost_price_tax": "0.0000",
                "is_refunded": refunded,
                "quantity_refunded": qty if refunded else 0,
                "refund_amount": total_inc if refunded else "0.0000",
                "return_id": 0,
                "wrapping_id": 0,
                "wrapping_name": None,
                "base_wrapping_cost": "0.0000",
                "wrapping_cost_ex_tax": "0.0000",
                "wrapping_cost_inc_tax": "0.0000",
                "wrapping_cost_tax": "0.0000",
                "wrapping_message": "",
                "quantity_shipped": qty if shipped_all or (row.status == 3 and k == 0) else 0,
                "event_name": None,
                "event_date": None,
                "fixed_shipping_cost": "0.0000",
                "ebay_item_id": "",
                "ebay_transaction_id": "",
                "option_set_id": option_set,
                "parent_order_product_id": None,
                "is_bundled_product": False,
                "bin_picking_number": bin_number,
                "external_id": None,
                "brand": brand,
                "applied_discounts": [
                    {
                        "id": "coupon",
                        "amount": discount,
                        "name": "Spring sale",
                        "code": code,
                        "target": "product",
                    }
                ]
                if (last and mode != "ship") or discount_roll
                else [],
                "product_options": [
                    {
                        "id": item_id * 4 + j,
                        "option_id": 20 + j,
                        "order_product_id": item_id,
                        **option,
                    }
                    for j, option in enumerate(options)
                ],
                "configurable_fields": (
                    [{"name": "Gift message", "value": "Joyeux anniversaire, Zoë 🎂"}]
                    if last or configurable_roll
                    else []
                ),
                "upc": upc,
                "variant_id": product_id * CHILD_SLOTS + variant_k,
                "name_customer": name,
                "name_merchant": name,
                "gift_certificate_id": item_id if kind == "giftcertificate" else None,
                "discounted_total_inc_tax": total_inc,
            }
        )
    return items


def _address_facts(k: int) -> tuple[str, ...]:
    r = Stream(_POOL_SEED, "address", k)
    first, last = fake.person(r)
    a = fake.address(r)
    local = fake.email_for(first, last, 0).removesuffix(".0@example.com")
    return (
        first,
        last,
        r.choice(("", "Ångström AB", "渡辺商事")),
        a["street_1"],
        a["street_2"],
        a["city"],
        a["state"],
        a["zip"],
        a["country"],
        a["country_iso2"],
        a["phone"],
        local,
        r.choice(("Leave at door", "Ring twice")),
    )


@functools.cache
def _address_pool() -> tuple[tuple[str, ...], ...]:
    return tuple(_address_facts(k) for k in range(ADDRESS_POOL))


def billing(r: Stream, ident: int) -> dict[str, Any]:
    """An order's billing address (or, from another stream, its shipping address)."""
    (first, last, company, street_1, street_2, city, state, zip_code, country, iso2, phone) = (
        entry := _address_pool()[r.randrange(ADDRESS_POOL)]
    )[:11]
    return {
        "first_name": first,
        "last_name": last,
        "company": company,
        "street_1": street_1,
        "street_2": street_2,
        "city": city,
        "state": state,
        "zip": zip_code,
        "country": country,
        "country_iso2": iso2,
        "phone": phone,
        "email": f"{entry[11]}.{ident}@example.com",
        "form_fields": [
            {"name": "Delivery notes", "value": entry[12]},
            {"name": "Gift", "value": ["wrap", "card"]},
        ],
    }
