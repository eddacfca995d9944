"""Customers and what is embedded in them."""

from __future__ import annotations

import json
import typing as t
from collections.abc import Iterator, Mapping

from tap_bigcommerce.reading.embedded import Embedded, children_in
from tap_bigcommerce.reading.id_listing import V3IdCursor
from tap_bigcommerce.reading.numbered import FullTablePages
from tap_bigcommerce.reading.subwindows import V3Cursor
from tap_bigcommerce.reading.sweep import DeleteSweep
from tap_bigcommerce.streams.base import BigCommerceStream

CUSTOMERS_SCOPE = "store_v2_customers_read_only"


def form_field_answers(customer: Mapping[str, t.Any]) -> Iterator[t.Any]:
    """The customer's own form-field answers, one type per column.

    A checkbox list becomes its JSON text, a number its text. The parent keeps the
    answer as it came (`schemas.embeddings.EMBEDDINGS`: `value` is converted), so the
    child converts its copy.
    """
    for record in children_in(customer, "form_fields", "customer_id"):
        value = record.get("value")
        if isinstance(value, list | dict):
            record["value"] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            record["value"] = str(value)
        yield record


class CustomersStream(BigCommerceStream):
    """Customers, paged by cursor (the only pagination that stays stable under edits)."""

    name = "customers"
    path = "/v3/customers"
    scope = CUSTOMERS_SCOPE
    pager = V3Cursor(include="addresses,attributes,formfields,storecredit", sorts_by_date=True)
    deletes = DeleteSweep(
        V3IdCursor(),
        children={"customer_addresses": "addresses", "customer_attribute_values": "attributes"},
    )


class CustomerChildStream(BigCommerceStream):
    parent_stream_type = CustomersStream
    scope = CUSTOMERS_SCOPE


class CustomerAddressesStream(CustomerChildStream):
    name = "customer_addresses"
    path = "/v3/customers/addresses"
    pager = Embedded("addresses", parent_key="customer_id")


class CustomerAttributeValuesStream(CustomerChildStream):
    name = "customer_attribute_values"
    path = "/v3/customers/attribute-values"
    pager = Embedded("attributes", parent_key="customer_id")


class CustomerFormFieldValuesStream(CustomerChildStream):
    """The customer's own form-field answers (`include=formfields`).

    Address form fields stay inside `customer_addresses.form_fields`: they belong to
    an address, and keeping them there gives this stream a key without nulls.
    """

    name = "customer_form_field_values"
    path = "/v3/customers/form-field-values"
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "customer_id", "name")
    pager = Embedded(extract=form_field_answers)


class CustomerAttributesStream(BigCommerceStream):
    name = "customer_attributes"
    path = "/v3/customers/attributes"
    scope = CUSTOMERS_SCOPE
    pager = FullTablePages()


class CustomerGroupsStream(BigCommerceStream):
    name = "customer_groups"
    path = "/v2/customer_groups"
    scope = CUSTOMERS_SCOPE
    pager = FullTablePages()


class SubscribersStream(BigCommerceStream):
    """Newsletter subscribers: the list filters by date but has no keyset, so it is read whole."""

    name = "subscribers"
    path = "/v3/customers/subscribers"
    scope = CUSTOMERS_SCOPE
    pager = FullTablePages()


class WishlistsStream(BigCommerceStream):
    name = "wishlists"
    path = "/v3/wishlists"
    scope = CUSTOMERS_SCOPE
    pager = FullTablePages()
