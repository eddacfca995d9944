"""Store settings: one record per store, and one per storefront channel where the
endpoint takes a channel (`reading.settings`).

A settings object has no id: a per-channel stream is keyed by `channel_id` (0 for the
store-wide values), a store-wide one by the store alone.
"""

from __future__ import annotations

import typing as t

from tap_bigcommerce.reading.settings import Settings
from tap_bigcommerce.streams.base import BigCommerceStream

INFORMATION_SCOPE = "store_v2_information_read_only"
MARKETING_SCOPE = "store_v2_marketing_read_only"
ORDERS_SCOPE = "store_v2_orders_read_only"
PRODUCTS_SCOPE = "store_v2_products_read_only"


class ChannelSettingsStream(BigCommerceStream):
    """Settings with a global record (`channel_id` 0) and one per storefront channel."""

    scope = INFORMATION_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "channel_id")


class StoreSettingsStream(BigCommerceStream):
    """Settings that exist once per store."""

    scope = INFORMATION_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash",)


class StoreProfileSettingsStream(ChannelSettingsStream):
    """The store's name, address, email and phone."""

    name = "store_profile_settings"
    path = "/v3/settings/store/profile"
    pager = Settings(channels="param")


class StoreLocaleSettingsStream(StoreSettingsStream):
    """The store's country and default shopper language (store-wide only)."""

    name = "store_locale_settings"
    path = "/v3/settings/store/locale"
    pager = Settings()


class CatalogSettingsStream(ChannelSettingsStream):
    name = "catalog_settings"
    path = "/v3/settings/catalog"
    pager = Settings(channels="param")


class InventorySettingsStream(ChannelSettingsStream):
    """Stock behaviour and the messages shoppers see."""

    name = "inventory_settings"
    path = "/v3/settings/inventory"
    pager = Settings(channels="param")


class InventoryNotificationSettingsStream(ChannelSettingsStream):
    """Who is emailed when stock runs low or out."""

    name = "inventory_notification_settings"
    path = "/v3/settings/inventory/notifications"
    pager = Settings(channels="param")


class LogoSettingsStream(ChannelSettingsStream):
    name = "logo_settings"
    path = "/v3/settings/logo"
    pager = Settings(channels="param")


class StorefrontCategorySettingsStream(ChannelSettingsStream):
    name = "storefront_category_settings"
    path = "/v3/settings/storefront/category"
    pager = Settings(channels="param")


class StorefrontProductSettingsStream(ChannelSettingsStream):
    name = "storefront_product_settings"
    path = "/v3/settings/storefront/product"
    pager = Settings(channels="param")


class StorefrontSearchSettingsStream(ChannelSettingsStream):
    name = "storefront_search_settings"
    path = "/v3/settings/storefront/search"
    pager = Settings(channels="param")


class StorefrontSecuritySettingsStream(ChannelSettingsStream):
    name = "storefront_security_settings"
    path = "/v3/settings/storefront/security"
    pager = Settings(channels="param")


class StorefrontSeoSettingsStream(ChannelSettingsStream):
    name = "storefront_seo_settings"
    path = "/v3/settings/storefront/seo"
    pager = Settings(channels="param")


class StorefrontStatusSettingsStream(ChannelSettingsStream):
    name = "storefront_status_settings"
    path = "/v3/settings/storefront/status"
    pager = Settings(channels="param")


class UnitsOfMeasurementSettingsStream(ChannelSettingsStream):
    name = "units_of_measurement_settings"
    path = "/v3/settings/store/units-of-measurement"
    pager = Settings(channels="param")


class TaxSettingsStream(StoreSettingsStream):
    """How tax is calculated and displayed (store-wide only)."""

    name = "tax_settings"
    path = "/v3/tax/settings"
    pager = Settings()


class PromotionSettingsStream(StoreSettingsStream):
    """How promotions combine and apply (store-wide only)."""

    name = "promotion_settings"
    path = "/v3/promotions/settings"
    scope = MARKETING_SCOPE
    pager = Settings()


class OrderSettingsStream(ChannelSettingsStream):
    """Order notification addresses; a channel's at `/channels/{id}`."""

    name = "order_settings"
    path = "/v3/orders/settings"
    scope = ORDERS_SCOPE
    pager = Settings(channels="path")


class ShippingSettingsStream(ChannelSettingsStream):
    """Checkout shipping options; a channel's at `/channels/{id}` (the spec's scope is Products)."""

    name = "shipping_settings"
    path = "/v3/shipping/settings"
    scope = PRODUCTS_SCOPE
    pager = Settings(channels="path")
