"""Shipping, payments, tax, geography, pickup, customs, segments and store emails."""

from __future__ import annotations

import typing as t

from tap_bigcommerce.reading.lists import Unpaged, unpaged
from tap_bigcommerce.reading.numbered import FullTablePages
from tap_bigcommerce.reading.per_parent import PerParent
from tap_bigcommerce.streams.base import BigCommerceStream

INFORMATION_SCOPE = "store_v2_information_read_only"
CUSTOMERS_SCOPE = "store_v2_customers_read_only"
PRODUCTS_SCOPE = "store_v2_products_read_only"


class ShippingZonesStream(BigCommerceStream):
    """Shipping zones; the v2 list has no paging (one request returns every zone)."""

    name = "shipping_zones"
    path = "/v2/shipping/zones"
    scope = INFORMATION_SCOPE
    pager = Unpaged()


class ShippingMethodsStream(BigCommerceStream):
    """Each zone's shipping methods: no store-wide list exists, so one request per zone."""

    name = "shipping_methods"
    path = "/v2/shipping/zones/{parent_id}/methods"
    scope = INFORMATION_SCOPE
    parent_stream_type = ShippingZonesStream
    pager = PerParent("zone_id", paging=unpaged, cost="1 per shipping zone")


class PaymentMethodsStream(BigCommerceStream):
    """The payment methods enabled on the store, keyed by their code (they have no id)."""

    name = "payment_methods"
    path = "/v2/payments/methods"
    scope = "store_payments_methods_read"
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "code")
    pager = FullTablePages()


class TaxZonesStream(BigCommerceStream):
    name = "tax_zones"
    path = "/v3/tax/zones"
    scope = INFORMATION_SCOPE
    pager = Unpaged()


class TaxRatesStream(BigCommerceStream):
    """Every zone's tax rates from the store-wide list (no request per zone)."""

    name = "tax_rates"
    path = "/v3/tax/rates"
    scope = INFORMATION_SCOPE
    pager = Unpaged()


class TaxPropertiesStream(BigCommerceStream):
    name = "tax_properties"
    path = "/v3/tax/properties"
    scope = INFORMATION_SCOPE
    pager = Unpaged()


class CountriesStream(BigCommerceStream):
    name = "countries"
    path = "/v2/countries"
    scope = INFORMATION_SCOPE
    pager = FullTablePages()


class CountryStatesStream(BigCommerceStream):
    """The states of every country from the store-wide list (not one request per country)."""

    name = "country_states"
    path = "/v2/countries/states"
    scope = INFORMATION_SCOPE
    pager = FullTablePages()


class PickupMethodsStream(BigCommerceStream):
    name = "pickup_methods"
    path = "/v3/pickup/methods"
    scope = "store_fulfillment_methods_read_only"
    pager = FullTablePages()


class ProductCustomsInformationStream(BigCommerceStream):
    """Customs information for international shipping, one record per product that has it."""

    name = "product_customs_information"
    path = "/v3/shipping/products/customs-information"
    scope = PRODUCTS_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "product_id")
    pager = FullTablePages()


class CustomerSegmentsStream(BigCommerceStream):
    name = "customer_segments"
    path = "/v3/segments"
    scope = CUSTOMERS_SCOPE
    pager = FullTablePages()


class ShopperProfilesStream(BigCommerceStream):
    name = "shopper_profiles"
    path = "/v3/shopper-profiles"
    scope = CUSTOMERS_SCOPE
    pager = FullTablePages()


class EmailTemplatesStream(BigCommerceStream):
    """The store's transactional email templates (store-wide); the list has no paging."""

    name = "email_templates"
    path = "/v3/marketing/email-templates"
    scope = INFORMATION_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "type_id")
    pager = Unpaged()


class AbandonedCartEmailsStream(BigCommerceStream):
    name = "abandoned_cart_emails"
    path = "/v3/marketing/abandoned-cart-emails"
    scope = INFORMATION_SCOPE
    pager = Unpaged()
