"""Customers and what is embedded in them."""

from __future__ import annotations

import json
import typing as t
from collections.abc import Iterator, Mapping

from tap_bigcommerce.client import EmbeddedChildStream, FullTableStream, V3CursorStream
from tap_bigcommerce.decoding import copy_record, is_record

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
    scope = CUSTOMERS_SCOPE

    def extract(self, parent: Mapping[str, t.Any]) -> Iterator[dict[str, t.Any]]:
        children = parent.get(self.include_name)
        for child in children if isinstance(children, list) else ():
            if is_record(child):
                yield copy_record(child, customer_id=child.get("customer_id", parent["id"]))


class CustomerAddressesStream(CustomerChildStream):
    name = "customer_addresses"
    path = "/v3/customers/addresses"
    include_name = "addresses"


class CustomerAttributeValuesStream(CustomerChildStream):
    name = "customer_attribute_values"
    path = "/v3/customers/attribute-values"
    include_name = "attributes"


class CustomerFormFieldValuesStream(CustomerChildStream):
    """The customer's own form-field answers (`include=formfields`).

    Address form fields stay inside `customer_addresses.form_fields`: they belong to
    an address, and keeping them there gives this stream a key without nulls.
    """

    name = "customer_form_field_values"
    path = "/v3/customers/form-field-values"
    include_name = "form_fields"
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "customer_id", "name")

    def extract(self, parent: Mapping[str, t.Any]) -> Iterator[dict[str, t.Any]]:
        """One type per column: a checkbox list becomes its JSON text, a number its text.

        The parent keeps the answer as it came (`schemas.embeddings.EMBEDDINGS`: `value`
        is converted), so the child converts it itself.
        """
        for record in super().extract(parent):
            value = record.get("value")
            if isinstance(value, list | dict):
                record["value"] = json.dumps(value, ensure_ascii=False)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                record["value"] = str(value)
            yield record


class CustomerAttributesStream(FullTableStream):
    name = "customer_attributes"
    path = "/v3/customers/attributes"
    scope = CUSTOMERS_SCOPE


class CustomerGroupsStream(FullTableStream):
    name = "customer_groups"
    path = "/v2/customer_groups"
    scope = CUSTOMERS_SCOPE


class SubscribersStream(FullTableStream):
    """Newsletter subscribers: the list filters by date but has no keyset, so it is read whole."""

    name = "subscribers"
    path = "/v3/customers/subscribers"
    scope = CUSTOMERS_SCOPE


class WishlistsStream(FullTableStream):
    name = "wishlists"
    path = "/v3/wishlists"
    scope = CUSTOMERS_SCOPE
