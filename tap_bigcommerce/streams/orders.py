"""Orders, and the sub-resources that arrive inside an order or need a request per order."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, Mapping

from tap_bigcommerce.reading.deleted import WithDeleted
from tap_bigcommerce.reading.embedded import Embedded
from tap_bigcommerce.reading.keyset import V2Keyset
from tap_bigcommerce.reading.lists import Unpaged, unpaged
from tap_bigcommerce.reading.numbered import CreatedWindow
from tap_bigcommerce.reading.per_parent import PerParent
from tap_bigcommerce.streams.base import BigCommerceStream
from tap_bigcommerce.typed import copy_record, is_record

ORDERS_SCOPE = "store_v2_orders_read_only"
_LINE_ITEMS = frozenset({"line_items"})


def _consignment_groups(order: Mapping[str, t.Any]) -> Iterator[list[t.Any]]:
    """Each list of consignments in `consignment_structure=object` form."""
    consignments = order.get("consignments")
    if not is_record(consignments):
        return
    for key in ("shipping", "pickups", "downloads"):
        group = consignments.get(key)
        if isinstance(group, list):
            yield group
    email = consignments.get("email")
    if is_record(email) and isinstance(email.get("gift_certificates"), list):
        yield email["gift_certificates"]


def line_items(order: Mapping[str, t.Any]) -> Iterator[t.Any]:
    """Every line item of every consignment, once (an item split across consignments
    appears in each)."""
    seen: set[t.Any] = set()
    for group in _consignment_groups(order):
        for consignment in group:
            items = consignment.get("line_items") if is_record(consignment) else None
            for item in items if isinstance(items, list) else ():
                if is_record(item) and "id" in item and item["id"] not in seen:
                    seen.add(item["id"])
                    yield copy_record(item, order_id=item.get("order_id", order["id"]))


def shipping_addresses(order: Mapping[str, t.Any]) -> Iterator[t.Any]:
    """The address part of each shipping consignment (the consignment without its items)."""
    consignments = order.get("consignments")
    shipping = consignments.get("shipping") if is_record(consignments) else None
    for consignment in shipping if isinstance(shipping, list) else ():
        if is_record(consignment) and "id" in consignment:
            yield copy_record(consignment, without=_LINE_ITEMS, order_id=order["id"])


def consignments_of(order: Mapping[str, t.Any]) -> Iterator[t.Any]:
    """The consignments object, when embedded (not a `{url, resource}` link)."""
    consignments = order.get("consignments")
    if is_record(consignments) and "url" not in consignments:
        yield copy_record(consignments, order_id=order["id"])


def _has_shipped_items(order: Mapping[str, t.Any]) -> bool:
    """A shipment always ships some items; unknown counts are read rather than missed."""
    try:
        return float(order.get("items_shipped") or 0) > 0
    except (TypeError, ValueError):
        return True


class OrdersStream(BigCommerceStream):
    """Orders, with consignments, line items and fees embedded so that those children cost
    no request; deleted orders come flagged `is_deleted: true` from a second pass."""

    name = "orders"
    path = "/v2/orders"
    scope = ORDERS_SCOPE
    cost = "1 per 250 changed orders + 1 per 250 deleted (at least 2)"
    pager = WithDeleted(
        V2Keyset({"include": "consignments.line_items,fees", "consignment_structure": "object"})
    )


class OrderProductsStream(BigCommerceStream):
    """Order line items, from every consignment of the order payload."""

    name = "order_products"
    path = "/v2/orders/{order_id}/products"
    scope = ORDERS_SCOPE
    parent_stream_type = OrdersStream
    pager = Embedded(extract=line_items)


class OrderShippingAddressesStream(BigCommerceStream):
    name = "order_shipping_addresses"
    path = "/v2/orders/{order_id}/shipping_addresses"
    scope = ORDERS_SCOPE
    parent_stream_type = OrdersStream
    pager = Embedded(extract=shipping_addresses)


class OrderConsignmentsStream(BigCommerceStream):
    """The order's consignments object (pickups, shipping, downloads, email), one per order."""

    name = "order_consignments"
    path = "/v2/orders/{order_id}/consignments"
    scope = ORDERS_SCOPE
    parent_stream_type = OrdersStream
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "order_id")
    pager = Embedded(extract=consignments_of)


class OrderFeesStream(BigCommerceStream):
    """Fees (handling, packaging...) embedded with `include=fees`."""

    name = "order_fees"
    path = "/v2/orders/{order_id}/fees"
    scope = ORDERS_SCOPE
    parent_stream_type = OrdersStream
    pager = Embedded("fees", parent_key="order_id")


class OrderCouponsStream(BigCommerceStream):
    name = "order_coupons"
    path = "/v2/orders/{parent_id}/coupons"
    scope = ORDERS_SCOPE
    parent_stream_type = OrdersStream
    pager = PerParent("order_id")


class OrderShipmentsStream(BigCommerceStream):
    """Shipments, read only for orders with shipped items."""

    name = "order_shipments"
    path = "/v2/orders/{parent_id}/shipments"
    scope = ORDERS_SCOPE
    parent_stream_type = OrdersStream
    pager = PerParent(
        "order_id",
        only=_has_shipped_items,
        cost="1 per changed order with items_shipped > 0",
    )


class OrderTaxesStream(BigCommerceStream):
    name = "order_taxes"
    path = "/v2/orders/{parent_id}/taxes"
    scope = ORDERS_SCOPE
    parent_stream_type = OrdersStream
    pager = PerParent("order_id")


class OrderMessagesStream(BigCommerceStream):
    name = "order_messages"
    path = "/v2/orders/{parent_id}/messages"
    scope = ORDERS_SCOPE
    parent_stream_type = OrdersStream
    pager = PerParent("order_id")


class OrderTransactionsStream(BigCommerceStream):
    name = "order_transactions"
    path = "/v3/orders/{parent_id}/transactions"
    scope = "store_v2_transactions_read_only"
    parent_stream_type = OrdersStream
    pager = PerParent("order_id", paging=unpaged, cost="1 per parent read in the run")


class OrderRefundsStream(BigCommerceStream):
    """Refunds of every order from the store-wide list (no request per order); they never
    change once created, so they are read by `created` window."""

    name = "order_refunds"
    path = "/v3/orders/payment_actions/refunds"
    scope = ORDERS_SCOPE
    pager = CreatedWindow()


def refund_items(refund: Mapping[str, t.Any]) -> Iterator[t.Any]:
    """The items of a refund, each with its refund's and order's id (items have no id)."""
    items = refund.get("items")
    for item in items if isinstance(items, list) else ():
        if is_record(item):
            yield copy_record(item, refund_id=refund["id"], order_id=refund.get("order_id"))


def refund_payments(refund: Mapping[str, t.Any]) -> Iterator[t.Any]:
    """The payments of a refund (one per payment provider), each with its refund's id."""
    payments = refund.get("payments")
    for payment in payments if isinstance(payments, list) else ():
        if is_record(payment):
            yield copy_record(payment, refund_id=refund["id"], order_id=refund.get("order_id"))


class OrderRefundItemsStream(BigCommerceStream):
    """What each refund gave back, from inside the refund (no request of its own)."""

    name = "order_refund_items"
    path = "/v3/orders/payment_actions/refunds"
    scope = ORDERS_SCOPE
    parent_stream_type = OrderRefundsStream
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "refund_id", "item_type", "item_id")
    pager = Embedded(extract=refund_items)


class OrderRefundPaymentsStream(BigCommerceStream):
    """The payments each refund made to its providers, from inside the refund."""

    name = "order_refund_payments"
    path = "/v3/orders/payment_actions/refunds"
    scope = ORDERS_SCOPE
    parent_stream_type = OrderRefundsStream
    pager = Embedded(extract=refund_payments)


class OrderStatusesStream(BigCommerceStream):
    name = "order_statuses"
    path = "/v2/order_statuses"
    scope = ORDERS_SCOPE
    pager = Unpaged()
