"""Customers and what is embedded in them."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, Mapping

from tap_bigcommerce.client import EmbeddedChildStream, V3CursorStream

CUSTOMERS_SCOPE = "store_v2_customers_read_only"


class CustomersStream(V3CursorStream):
    """Customers, paged by cursor (the only pagination that stays stable under edits)."""

    name = "customers"
    path = "/v3/customers"
    scope = CUSTOMERS_SCOPE
    include = "addresses,attributes,formfields,storecredit"


class CustomerChildStream(EmbeddedChildStream):
    include_name: t.ClassVar[str]
    parent_stream_type = CustomersStream

    def extract(self, parent: Mapping[str, t.Any]) -> Iterator[dict[str, t.Any]]:
        children = parent.get(self.include_name)
        for child in children if isinstance(children, list) else ():
            if isinstance(child, dict):
                yield {**child, "customer_id": child.get("customer_id", parent["id"])}


class CustomerAddressesStream(CustomerChildStream):
    name = "customer_addresses"
    path = "/v3/customers/addresses"
    scope = CUSTOMERS_SCOPE
    include_name = "addresses"
