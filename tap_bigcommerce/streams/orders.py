"""Orders and the sub-resources that arrive inside an order."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, Mapping

from tap_bigcommerce.client import EmbeddedChildStream, V2KeysetStream

ORDERS_SCOPE = "store_v2_orders_read_only"


def _consignment_groups(order: Mapping[str, t.Any]) -> Iterator[list[t.Any]]:
    """Each list of consignments in `consignment_structure=object` form."""
    consignments = order.get("consignments")
    if not isinstance(consignments, dict):
        return
    for key in ("shipping", "pickups", "downloads"):
        group = consignments.get(key)
        if isinstance(group, list):
            yield group
    email = consignments.get("email")
    if isinstance(email, dict) and isinstance(email.get("gift_certificates"), list):
        yield email["gift_certificates"]


class OrdersStream(V2KeysetStream):
    """Orders, with their line items embedded so that children cost no request."""

    name = "orders"
    path = "/v2/orders"
    scope = ORDERS_SCOPE
    extra_params: t.ClassVar[dict[str, str]] = {
        "include": "consignments.line_items",
        "consignment_structure": "object",
    }


class OrderProductsStream(EmbeddedChildStream):
    """Order line items, from every consignment of the order payload."""

    name = "order_products"
    path = "/v2/orders/{order_id}/products"
    scope = ORDERS_SCOPE
    parent_stream_type = OrdersStream

    def extract(self, parent: Mapping[str, t.Any]) -> Iterator[dict[str, t.Any]]:
        seen: set[t.Any] = set()
        for group in _consignment_groups(parent):
            for consignment in group:
                items = consignment.get("line_items") if isinstance(consignment, dict) else None
                for item in items if isinstance(items, list) else ():
                    # A line item split across consignments appears once per consignment.
                    if isinstance(item, dict) and "id" in item and item["id"] not in seen:
                        seen.add(item["id"])
                        yield {**item, "order_id": item.get("order_id", parent["id"])}


class OrderShippingAddressesStream(EmbeddedChildStream):
    """Shipping addresses: the address part of each shipping consignment."""

    name = "order_shipping_addresses"
    path = "/v2/orders/{order_id}/shipping_addresses"
    scope = ORDERS_SCOPE
    parent_stream_type = OrdersStream

    def extract(self, parent: Mapping[str, t.Any]) -> Iterator[dict[str, t.Any]]:
        consignments = parent.get("consignments")
        shipping = consignments.get("shipping") if isinstance(consignments, dict) else None
        for consignment in shipping if isinstance(shipping, list) else ():
            if isinstance(consignment, dict) and "id" in consignment:
                address = {k: v for k, v in consignment.items() if k != "line_items"}
                address["order_id"] = parent["id"]
                yield address
