"""Store-level settings, content, channels, price lists, inventory and logs."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator

from tap_bigcommerce.client import (
    FullTableStream,
    PerParentWindowStream,
    V2SingletonStream,
)
from tap_bigcommerce.decoding import is_record

INFORMATION_SCOPE = "store_v2_information_read_only"
CONTENT_SCOPE = "store_v2_content_read_only"
PRODUCTS_SCOPE = "store_v2_products_read_only"


class StoreStream(V2SingletonStream):
    """The store's profile (name, domain, currency, plan...), one record per store."""

    name = "store"
    path = "/v2/store"
    scope = INFORMATION_SCOPE


class ChannelsStream(FullTableStream):
    name = "channels"
    path = "/v3/channels"
    scope = "store_channel_settings_read_only"


class ChannelListingsStream(PerParentWindowStream):
    """Product listings of every channel, each channel read by `date_modified` window."""

    name = "channel_listings"
    path = "/v3/channels/{parent_id}/listings"
    scope = "store_channel_listings_read_only"
    parent_path = "/v3/channels"
    parent_name = "channels"
    parent_key = "channel_id"
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "channel_id", "listing_id")


class CurrenciesStream(FullTableStream):
    name = "currencies"
    path = "/v2/currencies"
    scope = INFORMATION_SCOPE


class TaxClassesStream(FullTableStream):
    name = "tax_classes"
    path = "/v2/tax_classes"
    scope = INFORMATION_SCOPE


class PagesStream(FullTableStream):
    name = "pages"
    path = "/v3/content/pages"
    scope = CONTENT_SCOPE


class BlogPostsStream(FullTableStream):
    name = "blog_posts"
    path = "/v2/blog/posts"
    scope = CONTENT_SCOPE


class PriceListsStream(FullTableStream):
    name = "price_lists"
    path = "/v3/pricelists"
    scope = PRODUCTS_SCOPE


class PriceListRecordsStream(PerParentWindowStream):
    """Prices of every price list, each list read by `date_modified` window and cursor."""

    name = "price_list_records"
    path = "/v3/pricelists/{parent_id}/records"
    scope = PRODUCTS_SCOPE
    parent_path = "/v3/pricelists"
    parent_name = "price_lists"
    parent_key = "price_list_id"
    primary_keys: t.ClassVar[tuple[str, ...]] = (
        "store_hash",
        "price_list_id",
        "variant_id",
        "currency",
    )


class PriceListAssignmentsStream(FullTableStream):
    name = "price_list_assignments"
    path = "/v3/pricelists/assignments"
    scope = PRODUCTS_SCOPE


class InventoryItemsStream(FullTableStream):
    """Stock per variant and location; the variant id is copied up from `identity` as the key."""

    name = "inventory_items"
    path = "/v3/inventory/items"
    scope = "store_inventory_read_only"
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "variant_id")

    def read_records(self, context: t.Any) -> Iterator[dict[str, t.Any]]:
        for record in super().read_records(context):
            identity = record.get("identity")
            if is_record(identity):
                record.setdefault("variant_id", identity.get("variant_id"))
            yield record


class LocationsStream(FullTableStream):
    name = "locations"
    path = "/v3/inventory/locations"
    scope = "store_locations_read_only"


class WebhooksStream(FullTableStream):
    """This API account's webhooks (BigCommerce lists only the caller's own)."""

    name = "webhooks"
    path = "/v3/hooks"
    scope = INFORMATION_SCOPE


class StoreLogsStream(FullTableStream):
    name = "store_logs"
    path = "/v3/store/systemlogs"
    scope = "store_logs_read_only"
