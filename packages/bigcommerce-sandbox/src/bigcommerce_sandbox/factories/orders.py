"""Orders (v2) and their sub-resources, shaped like ``orders.v2.oas2.yml``.

Line items and addresses come from ``order_parts`` (pooled: they dominate a page's cost).
"""

from __future__ import annotations

from typing import Any

from bigcommerce_sandbox import fake
from bigcommerce_sandbox.dates import iso, rfc2822
from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.factories.order_parts import (
    PRODUCT_BASE,
    billing,
    catalog_name,
    fulfilment,
    n_products,
    order_products,
)
from bigcommerce_sandbox.state import CHILD_SLOTS, Row, child_ids
from bigcommerce_sandbox.stream import Stream

STATUSES = (
    (0, "Incomplete", "An incomplete order happens when a shopper reached the payment page."),
    (1, "Pending", "Customer started the checkout process, but did not complete it."),
    (2, "Shipped", "Order has been shipped, but receipt has not been confirmed."),
    (3, "Partially Shipped", "Only some items in the order have been shipped."),
    (4, "Refunded", "Seller has used the Refund action."),
    (5, "Cancelled", "Seller has cancelled an order."),
    (6, "Declined", "Seller has marked the order as declined for lack of manual payment."),
    (7, "Awaiting Payment", "Customer has completed checkout process, payment not yet confirmed."),
    (8, "Awaiting Pickup", "Order has been pulled, and is awaiting customer pickup."),
    (9, "Awaiting Shipment", "Order has been pulled and packaged, and is awaiting collection."),
    (10, "Completed", "Client has paid for their digital product and their file(s) are available."),
    (
        11,
        "Awaiting Fulfillment",
        "Customer has completed the checkout process and payment confirmed.",
    ),
    (12, "Manual Verification Required", "Order on hold while some aspect needs to be confirmed."),
    (13, "Disputed", "Customer has initiated a dispute resolution process."),
    (14, "Partially Refunded", "Seller has partially refunded the order."),
)
STATUS_IDS = (0, 1, 2, 2, 2, 3, 4, 5, 7, 9, 10, 10, 10, 11, 11, 11, 14)
PAYMENT_STATUS = {
    4: "refunded",
    14: "partially refunded",
    5: "void",
    6: "declined",
    0: "",
    1: "pending",
    7: "pending",
}

__all__ = ["PRODUCT_BASE", "catalog_name", "order_products"]


def status_name(status_id: int) -> str:
    return STATUSES[status_id][1]


def order_status_list() -> list[dict[str, Any]]:
    return [
        {
            "id": sid,
            "name": name,
            "system_label": name,
            "custom_label": name,
            "system_description": desc,
        }
        for sid, name, desc in STATUSES
    ]


def _customer(ctx: Ctx, r: Stream) -> int:
    return 0 if r.random() < 0.15 or not ctx.n_customers else r.randint(1, ctx.n_customers)


def has_shipping(ctx: Ctx, row: Row) -> bool:
    """Whether the order ships anything (pickup and digital-only orders do not)."""
    mode = fulfilment(ctx, row.id)
    return mode == "ship" or (mode != "pickup" and n_products(ctx, row.id) > 1)


def shipping_addresses(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    """An order's shipping addresses are its shipping consignments (none for pickup/digital)."""
    return [shipping_address(ctx, row)] if has_shipping(ctx, row) else []


def shipping_address(
    ctx: Ctx, row: Row, items: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    r = Stream(ctx.seed, "ship_to", row.id, row.version)
    b = billing(r, row.id)
    b.pop("form_fields")
    items = order_products(ctx, row) if items is None else items
    total = sum(i["quantity"] for i in items)
    quotes = f"/orders/{row.id}/shipping_addresses/{row.id * CHILD_SLOTS}/shipping_quotes"
    return {
        "id": row.id * CHILD_SLOTS,
        "order_id": row.id,
        "items_total": total,
        "items_shipped": total if row.status in (2, 10) else 0,
        "base_cost": "9.9500",
        "cost_ex_tax": "9.9500",
        "cost_inc_tax": "10.7500",
        "cost_tax": "0.8000",
        "cost_tax_class_id": 2,
        "base_handling_cost": "0.0000",
        "handling_cost_ex_tax": "0.0000",
        "handling_cost_inc_tax": "0.0000",
        "handling_cost_tax": "0.0000",
        "handling_cost_tax_class_id": 2,
        "shipping_zone_id": 1,
        "shipping_zone_name": "Worldwide",
        "form_fields": [{"name": "Door code", "value": "4711"}],
        "shipping_quotes": {
            "url": ctx.v2(
                f"/orders/{row.id}/shipping_addresses/{row.id * CHILD_SLOTS}/shipping_quotes"
            ),
            "resource": quotes,
        },
        **b,
        "shipping_method": "Flat Rate",
    }


def consignments(
    ctx: Ctx, row: Row, line_items: bool, products: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    products = order_products(ctx, row) if products is None else products
    addr = shipping_address(ctx, row, products)
    mode = fulfilment(ctx, row.id)

    def lines(chosen: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if line_items:
            return chosen
        return [
            {
                "url": ctx.v2(f"/orders/{row.id}/products/{i['id']}"),
                "resource": f"/orders/{row.id}/products/{i['id']}",
            }
            for i in chosen
        ]

    out: dict[str, Any] = {
        "pickups": [],
        "shipping": [],
        "downloads": [],
        "email": {"gift_certificates": []},
    }
    if mode == "pickup":
        out["pickups"].append(
            {
                "id": row.id * CHILD_SLOTS,
                "pickup_method_id": 1,
                "pickup_method_display_name": "Click & Collect — Malmö",
                "collection_instructions": "Bring your order number 📦",
                "collection_time_description": "Ready in 2 hours",
                "location": {
                    "id": 1,
                    "name": "Malmö Centrum",
                    "code": "MMX-1",
                    "address_line_1": "1 Ångströmvägen",
                    "address_line_2": "",
                    "city": "Malmö",
                    "state": "Skåne",
                    "postal_code": "211 20",
                    "country_alpha2": "SE",
                    "email": "pickup@example.com",
                    "phone": "+46 40 123 45",
                },
                "line_items": lines(products),
            }
        )
        return out
    shipped = products[:-1] if mode in ("download", "gift") else products
    if mode == "download":
        out["downloads"].append(
            {"recipient_email": addr["email"], "line_items": lines(products[-1:])}
        )
    if mode == "gift":
        out["email"]["gift_certificates"].append(
            {"recipient_email": "friend@example.com", "line_items": lines(products[-1:])}
        )
    if not shipped:
        return out
    items = lines(shipped)
    shipping = {
        "id": addr["id"],
        "first_name": addr["first_name"],
        "last_name": addr["last_name"],
        "company": addr["company"],
        "street_1": addr["street_1"],
        "street_2": addr["street_2"],
        "city": addr["city"],
        "zip": addr["zip"],
        "country": addr["country"],
        "country_iso2": addr["country_iso2"],
        "state": addr["state"],
        "email": addr["email"],
        "phone": addr["phone"],
        "form_fields": addr["form_fields"],
        "line_items": items,
        "items_total": addr["items_total"],
        "items_shipped": addr["items_shipped"],
        "shipping_method": "Flat Rate",
        "base_cost": 9.95,
        "cost_ex_tax": 9.95,
        "cost_inc_tax": 10.75,
        "cost_tax": 0.8,
        "cost_tax_class_id": 2,
        "base_handling_cost": 0,
        "handling_cost_ex_tax": 0,
        "handling_cost_inc_tax": 0,
        "handling_cost_tax": 0,
        "handling_cost_tax_class_id": 2,
        "shipping_zone_id": 1,
        "shipping_zone_name": "Worldwide",
        "shipping_quotes": addr["shipping_quotes"],
    }
    out["shipping"].append(shipping)
    return out


def fees(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    if fake.count(ctx.seed, "fees", row.id, 0, 4):
        return []
    return [
        {
            "id": row.id * CHILD_SLOTS,
            "type": "custom_fee",
            "display_name_customer": "Eco packaging",
            "display_name_merchant": "Packaging fee",
            "source": "API",
            "base_cost": 1.5,
            "cost_ex_tax": 1.5,
            "cost_inc_tax": 1.62,
            "cost_tax": 0.12,
            "tax_class_id": None,
        }
    ]


def order(ctx: Ctx, row: Row, include: str = "", with_fees: bool = False) -> dict[str, Any]:
    """``include`` is "", "consignments" or "consignments.line_items"."""
    r = Stream(ctx.seed, "order", row.id, row.version)
    items = order_products(ctx, row)
    subtotal = sum(float(i["total_ex_tax"]) for i in items)
    tax = sum(float(i["total_tax"]) for i in items)
    shipping = 9.95
    total_inc = subtotal + tax + shipping + 0.8
    bill = billing(r, row.id)
    link = {
        name: {"url": ctx.v2(f"/orders/{row.id}/{name}"), "resource": f"/orders/{row.id}/{name}"}
        for name in ("products", "shipping_addresses", "coupons", "consignments", "fees")
    }
    refunded = row.status == 4
    rec: dict[str, Any] = {
        "id": row.id,
        "customer_id": _customer(ctx, r),
        "date_created": rfc2822(row.created),
        "date_modified": rfc2822(row.modified),
        "date_shipped": rfc2822(row.modified) if row.status in (2, 10) else "",
        "status_id": row.status,
        "status": status_name(row.status),
        "cart_id": f"{r.getrandbits(64):016x}",
        "subtotal_ex_tax": fake.money2(subtotal),
        "subtotal_inc_tax": fake.money2(subtotal + tax),
        "subtotal_tax": fake.money2(tax),
        "base_shipping_cost": fake.money2(shipping),
        "shipping_cost_ex_tax": fake.money2(shipping),
        "shipping_cost_inc_tax": fake.money2(shipping + 0.8),
        "shipping_cost_tax": "0.8000",
        "shipping_cost_tax_class_id": 2,
        "base_handling_cost": "0.0000",
        "handling_cost_ex_tax": "0.0000",
        "handling_cost_inc_tax": "0.0000",
        "handling_cost_tax": "0.0000",
        "handling_cost_tax_class_id": 2,
        "base_wrapping_cost": "0.0000",
        "wrapping_cost_ex_tax": "0.0000",
        "wrapping_cost_inc_tax": "0.0000",
        "wrapping_cost_tax": "0.0000",
        "wrapping_cost_tax_class_id": 3,
        "total_ex_tax": fake.money2(subtotal + shipping),
        "total_inc_tax": fake.money2(total_inc),
        "total_tax": fake.money2(tax + 0.8),
        "items_total": sum(i["quantity"] for i in items),
        "items_shipped": sum(i["quantity_shipped"] for i in items),
        "payment_method": r.choice(
            ("Credit Card", "PayPal", "Cash on Delivery", "Test Payment Gateway")
        ),
        "payment_provider_id": r.choice(("", f"ch_{r.getrandbits(48):012x}")),
        "payment_status": PAYMENT_STATUS.get(row.status, "captured"),
        "refunded_amount": fake.money2(total_inc if refunded else 0),
        "order_is_digital": False,
        "store_credit_amount": "0.0000",
        "gift_certificate_amount": "0.0000",
        "ip_address": f"203.0.113.{r.randint(1, 254)}",
        "ip_address_v6": "",
        "geoip_country": bill["country"],
        "geoip_country_iso2": bill["country_iso2"],
        "currency_id": 1,
        "currency_code": "USD",
        "currency_exchange_rate": "1.0000000000",
        "default_currency_id": 1,
        "default_currency_code": "USD",
        "store_default_currency_code": "USD",
        "store_default_to_transactional_exchange_rate": "1.0000000000",
        "staff_notes": r.choice(("", "VIP — handle with care", "Call before delivery")),
        "customer_message": r.choice(("", "Bitte klingeln 🔔", "Gift for 渡辺さん")),
        "discount_amount": "0.0000",
        "coupon_discount": "0.0000",
        "shipping_address_count": 1 if has_shipping(ctx, row) else 0,
        "is_deleted": row.deleted,
        "ebay_order_id": "0",
        "billing_address": bill,
        "is_email_opt_in": r.random() < 0.4,
        "credit_card_type": None,
        "order_source": r.choice(("www", "manual", "external")),
        "channel_id": 1,
        "external_source": None,
        "external_id": None,
        "external_merchant_id": None,
        "tax_provider_id": "BasicTaxProvider",
        "customer_locale": r.choice(("en", "fr", "de", "ja")),
        "external_order_id": "",
        "is_tax_inclusive_pricing": False,
        "products": link["products"],
        "shipping_addresses": link["shipping_addresses"],
        "coupons": link["coupons"],
        "fees": link["fees"],
        "consignments": link["consignments"],
    }
    if include:
        rec["consignments"] = consignments(ctx, row, include == "consignments.line_items", items)
    if with_fees:
        rec["fees"] = fees(ctx, row)
    return rec


def coupons(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    r = Stream(ctx.seed, "order_coupon", row.id, 0)
    if r.random() < 0.6:
        return []
    cid = row.id * CHILD_SLOTS
    return [
        {
            "id": cid,
            "coupon_id": r.randint(1, 40),
            "order_id": row.id,
            "code": "SPRING10",
            "amount": 10,
            "type": 2,
            "discount": 5.0,
        }
    ]


def taxes(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    return [
        {
            "id": tid,
            "order_id": row.id,
            "order_address_id": row.id * CHILD_SLOTS,
            "tax_rate_id": 1,
            "sales_tax_id": "",
            "tax_class_id": None if k else 0,
            "name": "Sales Tax",
            "class": "Default Tax Class",
            "rate": "8.0000",
            "priority": 1,
            "priority_amount": item["total_tax"],
            "line_amount": item["total_tax"],
            "order_pickup_method_id": 0,
            "order_product_id": str(item["id"]),
            "line_item_type": "item",
        }
        for k, (tid, item) in enumerate(
            zip(child_ids(row.id, 6), order_products(ctx, row), strict=False)
        )
    ]


def shipments(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    if row.status not in (2, 3, 10):
        return []
    r = Stream(ctx.seed, "shipment", row.id, 0)
    addr = shipping_address(ctx, row)
    a = {
        k: addr[k]
        for k in (
            "first_name",
            "last_name",
            "company",
            "street_1",
            "street_2",
            "city",
            "state",
            "zip",
            "country",
            "country_iso2",
            "phone",
            "email",
        )
    }
    tracking = f"1Z{r.getrandbits(40):010X}"
    return [
        {
            "id": row.id * CHILD_SLOTS,
            "order_id": row.id,
            "customer_id": 0,
            "order_address_id": addr["id"],
            "date_created": rfc2822(row.modified),
            "tracking_number": tracking,
            "merchant_shipping_cost": "0.0000",
            "shipping_method": "Flat Rate",
            "shipping_provider": "ups",
            "tracking_carrier": "ups",
            "tracking_link": f"https://www.ups.com/track?tracknum={tracking}",
            "comments": "Packed with ♥",
            "billing_address": a,
            "shipping_address": a,
            "items": [
                {
                    "order_product_id": i["id"],
                    "product_id": i["product_id"],
                    "quantity": i["quantity_shipped"],
                }
                for i in order_products(ctx, row)
                if i["quantity_shipped"]
            ],
            "shipping_provider_display_name": "UPS",
            "generated_tracking_link": f"https://www.ups.com/track?tracknum={tracking}",
        }
    ]


def messages(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    r = Stream(ctx.seed, "message", row.id, 0)
    if r.random() < 0.7:
        return []
    first, last = fake.person(r)
    return [
        {
            "id": row.id * CHILD_SLOTS,
            "order_id": row.id,
            "staff_id": 0,
            "customer_id": 1,
            "type": "customer",
            "subject": "Où est ma commande ?",
            "message": "Any update? ありがとう",
            "status": "read",
            "is_flagged": False,
            "date_created": rfc2822(row.created),
            "customer": {"first_name": first, "last_name": last},
        }
    ]


PAYMENT_METHODS = (
    "credit_card",
    "credit_card",
    "credit_card",
    "offline",
    "custom",
    "gift_certificate",
    "store_credit",
)


def transactions(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    r = Stream(ctx.seed, "transaction", row.id, row.version)
    amount = float(order(ctx, row)["total_inc_tax"])
    events = ["purchase"] + (["refund"] if row.status in (4, 14) else [])
    method = PAYMENT_METHODS[row.id % len(PAYMENT_METHODS)]
    return [
        {
            "id": tid,
            "order_id": str(row.id),
            "event": ev,
            "method": method,
            "amount": round(amount if ev == "purchase" else amount / 2, 2),
            "currency": "USD",
            "gateway": "testgateway",
            "gateway_transaction_id": f"tx_{r.getrandbits(40):010x}",
            "date_created": iso(row.created),
            "test": True,
            "status": "ok",
            "fraud_review": False,
            "reference_transaction_id": 0,
            "offline": {"display_name": "Bank transfer"} if method == "offline" else None,
            "custom": {"payment_method": "Cash on pickup"} if method == "custom" else None,
            "payment_method_id": "testgateway.card",
            "payment_instrument_token": None,
            "provider_instrument_token": None,
            "provider_customer_id": None,
            "avs_result": {
                "code": "Y",
                "message": "Street and postal match",
                "street_match": "Y",
                "postal_match": "Y",
            },
            "cvv_result": {"code": "M", "message": "Match"},
            "credit_card": {
                "card_type": "visa",
                "card_iin": "411111",
                "card_last4": "1111",
                "card_expiry_month": r.randint(1, 12),
                "card_expiry_year": 2029,
            },
            "gift_certificate": {
                "code": f"GC-{row.id}",
                "original_balance": 100.0,
                "starting_balance": 100.0,
                "remaining_balance": 42.5,
                "status": "active",
            }
            if method == "gift_certificate"
            else None,
            "store_credit": {"remaining_balance": 12.5} if method == "store_credit" else None,
            "custom_provider_field_result": {
                "receipt_number": f"R-{row.id}",
                "authorization_code": None,
                "fraud_response": None,
                "amount_received": None,
            }
            if method == "custom"
            else None,
        }
        for tid, ev in zip(child_ids(row.id, 2), events, strict=False)
    ]


def refunds(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    if row.status not in (4, 14):
        return []
    items = order_products(ctx, row)
    amount = round(sum(float(i["total_inc_tax"]) for i in items), 2)
    return [
        {
            "id": row.id * CHILD_SLOTS,
            "order_id": row.id,
            "user_id": 0,
            "created": iso(row.modified),
            "reason": "Damaged in transit — 破損",
            "total_amount": amount,
            "total_tax": 0,
            "uses_merchant_override_values": False,
            "items": [
                {
                    "item_type": "PRODUCT",
                    "item_id": i["id"],
                    "reason": "Damaged",
                    "quantity": i["quantity"],
                    "adjustments": [{"amount": -0.5, "description": "Restocking"}],
                    "requested_amount": float(i["total_inc_tax"]),
                }
                for i in items
            ],
            "payments": [
                {
                    "id": row.id * CHILD_SLOTS,
                    "provider_id": "testgateway",
                    "amount": amount,
                    "offline": False,
                    "is_declined": False,
                    "declined_message": "",
                    "transaction_id": f"rf_{row.id}",
                }
            ],
        }
    ]


def gift_certificates(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    """The certificate a gift order bought (its emailed consignment)."""
    if fulfilment(ctx, row.id) != "gift":
        return []
    r = Stream(ctx.seed, "gift_certificate", row.id)
    first, last = fake.person(r)
    amount = r.choice((25, 50, 100))
    return [
        {
            "id": row.id * CHILD_SLOTS,
            "customer_id": 0,
            "order_id": row.id,
            "to_name": "Zoë Ångström",
            "to_email": "friend@example.com",
            "from_name": f"{first} {last}",
            "from_email": fake.email_for(first, last, row.id),
            "amount": fake.money2(amount),
            "balance": fake.money2(amount if row.id % 2 else amount / 2),
            # The spec's GET answer: "Date displays in the Unix timestamp format".
            "purchase_date": str(int(row.created)),
            "expiry_date": str(int(row.created + 365 * 86400)),
            "template": "birthday.html",
            "message": "Joyeux anniversaire 🎂",
            "code": f"GC-{row.id:06d}",
            "status": "active",
            "currency_code": "USD",
        }
    ]
