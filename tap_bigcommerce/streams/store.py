"""Store-level settings, content, channels, price lists, inventory and logs."""

from __future__ import annotations

import typing as t

from typing_extensions import override

from tap_bigcommerce.reading.id_listing import V3IdIn
from tap_bigcommerce.reading.numbered import FullTablePages
from tap_bigcommerce.reading.pages import Page
from tap_bigcommerce.reading.per_parent import PerParentWindow
from tap_bigcommerce.reading.single import Singleton
from tap_bigcommerce.reading.sweep import DeleteSweep
from tap_bigcommerce.streams.base import BigCommerceStream
from tap_bigcommerce.typed import is_record

INFORMATION_SCOPE = "store_v2_information_read_only"
CONTENT_SCOPE = "store_v2_content_read_only"
PRODUCTS_SCOPE = "store_v2_products_read_only"


class StoreStream(BigCommerceStream):
    """The store's profile (name, domain, currency, plan...), one record per store."""

    name = "store"
    path = "/v2/store"
    scope = INFORMATION_SCOPE
    pager = Singleton()


class ChannelsStream(BigCommerceStream):
    name = "channels"
    path = "/v3/channels"
    scope = "store_channel_settings_read_only"
    pager = FullTablePages()


class ChannelListingsStream(BigCommerceStream):
    """Product listings of every channel, each channel read by `date_modified` window."""

    name = "channel_listings"
    path = "/v3/channels/{parent_id}/listings"
    scope = "store_channel_listings_read_only"
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "channel_id", "listing_id")
    pager = PerParentWindow(
        parent_path="/v3/channels", parent_key="channel_id", parent_name="channels"
    )


class CurrenciesStream(BigCommerceStream):
    name = "currencies"
    path = "/v2/currencies"
    scope = INFORMATION_SCOPE
    pager = FullTablePages()


class TaxClassesStream(BigCommerceStream):
    name = "tax_classes"
    path = "/v2/tax_classes"
    scope = INFORMATION_SCOPE
    pager = FullTablePages()


class PagesStream(BigCommerceStream):
    name = "pages"
    path = "/v3/content/pages"
    scope = CONTENT_SCOPE
    pager = FullTablePages()
    deletes = DeleteSweep(V3IdIn(), full_read=True)


class BlogPostsStream(BigCommerceStream):
    name = "blog_posts"
    path = "/v2/blog/posts"
    scope = CONTENT_SCOPE
    pager = FullTablePages()


class PriceListsStream(BigCommerceStream):
    name = "price_lists"
    path = "/v3/pricelists"
    scope = PRODUCTS_SCOPE
    pager = FullTablePages()


class PriceListRecordsStream(BigCommerceStream):
    """Prices of every price list, each list read by `date_modified` window and cursor."""

    name = "price_list_records"
    path = "/v3/pricelists/{parent_id}/records"
    scope = PRODUCTS_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = (
        "store_hash",
        "price_list_id",
        "variant_id",
        "currency",
    )
    pager = PerParentWindow(
        parent_path="/v3/pricelists", parent_key="price_list_id", parent_name="price_lists"
    )


class PriceListAssignmentsStream(BigCommerceStream):
    name = "price_list_assignments"
    path = "/v3/pricelists/assignments"
    scope = PRODUCTS_SCOPE
    pager = FullTablePages()


class InventoryItemsStream(BigCommerceStream):
    """Stock per variant and location; the variant id is copied up from `identity` as the key."""

    name = "inventory_items"
    path = "/v3/inventory/items"
    scope = "store_inventory_read_only"
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "variant_id")
    pager = FullTablePages()

    @override
    def prepare_page(self, page: Page) -> None:
        for record in page:
            identity = record.get("identity")
            if is_record(identity):
                record.setdefault("variant_id", identity.get("variant_id"))


class LocationsStream(BigCommerceStream):
    name = "locations"
    path = "/v3/inventory/locations"
    scope = "store_locations_read_only"
    pager = FullTablePages()


class WebhooksStream(BigCommerceStream):
    """This API account's webhooks (BigCommerce lists only the caller's own)."""

    name = "webhooks"
    path = "/v3/hooks"
    scope = INFORMATION_SCOPE
    pager = FullTablePages()


class StoreLogsStream(BigCommerceStream):
    name = "store_logs"
    path = "/v3/store/systemlogs"
    scope = "store_logs_read_only"
    pager = FullTablePages()
