"""Orders and the sub-resources that arrive inside an order."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, Mapping, Sequence

from tap_bigcommerce.client import (
    CreatedWindowStream,
    EmbeddedChildStream,
    FullTableStream,
    PerParentChildStream,
    V2KeysetStream,
    Window,
)
from tap_bigcommerce.decoding import copy_record, is_record

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


class OrdersStream(V2KeysetStream):
    """Orders, with consignments, line items and fees embedded so that those children cost
    no request.

    Deleted (archived) orders are not in the plain list. A second keyset pass over the
    same window with `is_deleted=true` emits them with `is_deleted: true`, so a
    warehouse can mark or drop them; it costs one request when nothing was deleted.
    Their sub-resources are not read.
    """

    name = "orders"
    path = "/v2/orders"
    scope = ORDERS_SCOPE
    extra_params: t.ClassVar[dict[str, str]] = {
        "include": "consignments.line_items,fees",
        "consignment_structure": "object",
    }
    cost: t.ClassVar[str] = "1 per 250 changed orders + 1 per 250 deleted (at least 2)"

    _deleted_pass = False

    def pages(self, window: Window) -> Iterator[list[dict[str, t.Any]]]:
        yield from super().pages(window)
        self._deleted_pass = True
        try:
            for page in super().pages(window):
                for order in page:
                    order["is_deleted"] = True
                yield page
        finally:
            self._deleted_pass = False

    def get(
        self,
        params: Mapping[str, t.Any] | None = None,
        path: str | None = None,
        **options: t.Any,
    ) -> t.Any:
        if self._deleted_pass and path is None:
            params = {**(params or {}), "is_deleted": "true"}
        return super().get(params, path, **options)

    def sync_children(self, parents: list[dict[str, t.Any]]) -> None:
        """Children of live orders only: a deleted order's sub-resources are gone."""
        live = [order for order in parents if not order.get("is_deleted")]
        if live:
            super().sync_children(live)


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
                items = consignment.get("line_items") if is_record(consignment) else None
                for item in items if isinstance(items, list) else ():
                    # A line item split across consignments appears once per consignment.
                    if is_record(item) and "id" in item and item["id"] not in seen:
                        seen.add(item["id"])
                        yield copy_record(item, order_id=item.get("order_id", parent["id"]))


class OrderChildStream(EmbeddedChildStream):
    parent_stream_type = OrdersStream
    scope = ORDERS_SCOPE


class OrderShippingAddressesStream(EmbeddedChildStream):
    """Shipping addresses: the address part of each shipping consignment."""

    name = "order_shipping_addresses"
    path = "/v2/orders/{order_id}/shipping_addresses"
    scope = ORDERS_SCOPE
    parent_stream_type = OrdersStream

    def extract(self, parent: Mapping[str, t.Any]) -> Iterator[dict[str, t.Any]]:
        consignments = parent.get("consignments")
        shipping = consignments.get("shipping") if is_record(consignments) else None
        for consignment in shipping if isinstance(shipping, list) else ():
            if is_record(consignment) and "id" in consignment:
                yield copy_record(consignment, without=_LINE_ITEMS, order_id=parent["id"])


class OrderConsignmentsStream(OrderChildStream):
    """The order's consignments object (pickups, shipping, downloads, email), one per order."""

    name = "order_consignments"
    path = "/v2/orders/{order_id}/consignments"
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "order_id")

    def extract(self, parent: Mapping[str, t.Any]) -> Iterator[dict[str, t.Any]]:
        consignments = parent.get("consignments")
        if is_record(consignments) and "url" not in consignments:
            yield copy_record(consignments, order_id=parent["id"])


class OrderFeesStream(OrderChildStream):
    """Fees (handling, packaging...) embedded with `include=fees`."""

    name = "order_fees"
    path = "/v2/orders/{order_id}/fees"

    def extract(self, parent: Mapping[str, t.Any]) -> Iterator[dict[str, t.Any]]:
        fees = parent.get("fees")
        for fee in fees if isinstance(fees, list) else ():
            if is_record(fee):
                yield copy_record(fee, order_id=parent["id"])


class OrderRequestChildStream(PerParentChildStream):
    """An order sub-resource with no way to embed it: one request per changed order."""

    parent_stream_type = OrdersStream
    scope = ORDERS_SCOPE
    parent_key = "order_id"


class OrderCouponsStream(OrderRequestChildStream):
    name = "order_coupons"
    path = "/v2/orders/{parent_id}/coupons"


class OrderShipmentsStream(OrderRequestChildStream):
    """Shipments, read only for orders with shipped items (a shipment always ships some)."""

    name = "order_shipments"
    path = "/v2/orders/{parent_id}/shipments"
    cost: t.ClassVar[str] = "1 per changed order with items_shipped > 0"

    def records_for(self, parents: Sequence[Mapping[str, t.Any]]) -> Iterator[dict[str, t.Any]]:
        yield from super().records_for([p for p in parents if _number(p.get("items_shipped"))])


class OrderTaxesStream(OrderRequestChildStream):
    name = "order_taxes"
    path = "/v2/orders/{parent_id}/taxes"


class OrderMessagesStream(OrderRequestChildStream):
    name = "order_messages"
    path = "/v2/orders/{parent_id}/messages"


class OrderTransactionsStream(OrderRequestChildStream):
    name = "order_transactions"
    path = "/v3/orders/{parent_id}/transactions"
    scope = "store_v2_transactions_read_only"


class OrderRefundsStream(CreatedWindowStream):
    """Refunds of every order from the store-wide list: no request per order.

    Refunds never change once created, so they are read by `created` window.
    """

    name = "order_refunds"
    path = "/v3/orders/payment_actions/refunds"
    scope = ORDERS_SCOPE


class OrderStatusesStream(FullTableStream):
    name = "order_statuses"
    path = "/v2/order_statuses"
    scope = ORDERS_SCOPE


def _number(value: t.Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 1.0  # unknown: read it rather than miss shipments
