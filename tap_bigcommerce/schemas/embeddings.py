"""Child streams whose records arrive inside their parent's records, and where.

Read at run time (a parent's page is decoded once for its embedded children, see
``decoding``) and by the schema generator (``tools/schemagen``), which gives a child and its
places in the parent one declaration.
"""

from __future__ import annotations

from dataclasses import dataclass

# The tap requests orders with ``include=consignments.line_items&consignment_structure=object``:
# each order then carries ``consignments`` in the shape of ``orderConsignment_Get``, and every
# consignment's ``line_items`` holds full order-product objects (the spec's ``oneOf`` of link stubs
# or ``orderProducts``; with ``.line_items`` included it is always the latter).
LINE_ITEMS_AT = (
    "pickups[].line_items",
    "shipping[].line_items",
    "downloads[].line_items",
    "email.gift_certificates[].line_items",
)


@dataclass(frozen=True)
class Embedding:
    """A child stream whose records arrive inside its parent's records, at ``at``.

    ``at`` holds dotted property names (arrays are stepped into). The generator gives the child
    and those places in the parent one declaration (``generate.share_embedded``); ``left_out``
    names the parent's fields the child's records do not carry (a shipping address is its
    consignment without the line items); ``converted`` names the fields the child's records
    carry rewritten, which keep each stream's own declaration (a checkbox list as JSON text).
    """

    parent: str
    child: str
    at: tuple[str, ...]
    left_out: frozenset[str] = frozenset()
    converted: frozenset[str] = frozenset()


EMBEDDINGS: tuple[Embedding, ...] = (
    Embedding(
        "orders",
        "order_products",
        tuple(f"consignments.{at.replace('[]', '')}" for at in LINE_ITEMS_AT),
    ),
    Embedding(
        "orders",
        "order_shipping_addresses",
        ("consignments.shipping",),
        left_out=frozenset({"line_items"}),
    ),
    Embedding("orders", "order_consignments", ("consignments",)),
    Embedding("orders", "order_fees", ("fees",)),
    *(
        Embedding("products", f"product_{name}", (name,))
        for name in ("variants", "images", "videos", "custom_fields", "bulk_pricing_rules")
    ),
    Embedding("customers", "customer_addresses", ("addresses",)),
    Embedding("customers", "customer_attribute_values", ("attributes",)),
    Embedding(
        "customers",
        "customer_form_field_values",
        ("form_fields",),
        converted=frozenset({"value"}),
    ),
    Embedding("order_refunds", "order_refund_items", ("items",)),
    Embedding("order_refunds", "order_refund_payments", ("payments",)),
)
