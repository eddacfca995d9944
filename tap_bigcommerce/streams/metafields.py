"""Metafields of every owner type, each from its store-wide list (never one request per owner).

Every list filters on `date_modified` and pages by cursor, like `product_metafields`
(DESIGN §2: metafields have store-wide lists per owner type).
"""

from __future__ import annotations

from tap_bigcommerce.reading.subwindows import V3Cursor
from tap_bigcommerce.streams.base import BigCommerceStream

PRODUCTS_SCOPE = "store_v2_products_read_only"


class BrandMetafieldsStream(BigCommerceStream):
    name = "brand_metafields"
    path = "/v3/catalog/brands/metafields"
    scope = PRODUCTS_SCOPE
    pager = V3Cursor()


class CategoryMetafieldsStream(BigCommerceStream):
    name = "category_metafields"
    path = "/v3/catalog/categories/metafields"
    scope = PRODUCTS_SCOPE
    pager = V3Cursor()


class VariantMetafieldsStream(BigCommerceStream):
    name = "variant_metafields"
    path = "/v3/catalog/variants/metafields"
    scope = PRODUCTS_SCOPE
    pager = V3Cursor()


class CustomerMetafieldsStream(BigCommerceStream):
    name = "customer_metafields"
    path = "/v3/customers/metafields"
    scope = "store_v2_customers_read_only"
    pager = V3Cursor()


class OrderMetafieldsStream(BigCommerceStream):
    name = "order_metafields"
    path = "/v3/orders/metafields"
    scope = "store_v2_orders_read_only"
    pager = V3Cursor()


class ChannelMetafieldsStream(BigCommerceStream):
    name = "channel_metafields"
    path = "/v3/channels/metafields"
    scope = "store_channel_settings_read_only"
    pager = V3Cursor()


class LocationMetafieldsStream(BigCommerceStream):
    name = "location_metafields"
    path = "/v3/inventory/locations/metafields"
    scope = "store_locations_read_only"
    pager = V3Cursor()


class StoreMetafieldsStream(BigCommerceStream):
    name = "store_metafields"
    path = "/v3/store/metafields"
    scope = "store_v2_information_read_only"
    pager = V3Cursor()
