"""Which record types exist: top-level tables (with compact state) and child types.

Adding a resource is one factory plus one entry here (and one line in
``routes.ROUTES`` to serve it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from bigcommerce_sandbox.factories import (
    catalog,
    commerce,
    customers,
    metafields,
    orders,
    settings,
    storefront,
)
from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.state import Row


@dataclasses.dataclass(frozen=True)
class TableSpec:
    base: int  # first id
    size_option: str  # SandboxOptions field giving the generated count
    statuses: tuple[int, ...] = (0,)
    deleted_rate: float = 0.0


TABLES: dict[str, TableSpec] = {
    "orders": TableSpec(100, "orders", orders.STATUS_IDS, deleted_rate=0.03),
    "products": TableSpec(orders.PRODUCT_BASE, "products"),
    "customers": TableSpec(1, "customers"),
    "coupons": TableSpec(1, "coupons"),
    "brands": TableSpec(catalog.BRAND_BASE, "brands"),
    "categories": TableSpec(catalog.CATEGORY_BASE, "categories"),
}

ChildFn = Callable[[Ctx, Row], list[dict[str, Any]]]

#: child type -> (parent table, factory listing one parent's children)
CHILDREN: dict[str, tuple[str, ChildFn]] = {
    "order_products": ("orders", orders.order_products),
    "order_shipping_addresses": ("orders", orders.shipping_addresses),
    "order_coupons": ("orders", orders.coupons),
    "order_shipments": ("orders", orders.shipments),
    "order_taxes": ("orders", orders.taxes),
    "order_messages": ("orders", orders.messages),
    "order_transactions": ("orders", orders.transactions),
    "order_refunds": ("orders", orders.refunds),
    "variants": ("products", catalog.variants),
    "images": ("products", catalog.images),
    "custom_fields": ("products", catalog.custom_fields),
    "bulk_pricing_rules": ("products", catalog.bulk_pricing_rules),
    "videos": ("products", catalog.videos),
    "options": ("products", catalog.options),
    "modifiers": ("products", catalog.modifiers),
    "customer_addresses": ("customers", customers.addresses),
    "customer_attribute_values": ("customers", customers.attribute_values),
    "gift_certificates": ("orders", orders.gift_certificates),
    "reviews": ("products", catalog.reviews),
    "metafields": ("products", catalog.metafields),
    "channel_listings": ("products", settings.channel_listings),
    "price_list_records": ("products", settings.price_list_records),
    "inventory_items": ("products", settings.inventory_items),
    "subscribers": ("customers", customers.subscribers),
    "wishlists": ("customers", customers.wishlists),
    "customs_information": ("products", commerce.customs_information),
    "shopper_profiles": ("customers", commerce.shopper_profiles),
    "brand_metafields": ("brands", metafields.brand_metafields),
    "category_metafields": ("categories", metafields.category_metafields),
    "variant_metafields": ("products", metafields.variant_metafields),
    "customer_metafields": ("customers", metafields.customer_metafields),
    "order_metafields": ("orders", metafields.order_metafields),
}

#: child type -> the field that identifies one record in ground truth (default ``id``)
CHILD_KEYS: dict[str, tuple[str, ...]] = {
    "channel_listings": ("channel_id", "listing_id"),
    "price_list_records": ("price_list_id", "variant_id", "currency"),
    "inventory_items": ("identity.variant_id",),
    "customs_information": ("product_id",),
}

ListFn = Callable[[Ctx], list[dict[str, Any]]]

#: fixed list -> the fields that identify one record in ground truth (default ``id``)
LIST_KEYS: dict[str, tuple[str, ...]] = {
    "payment_methods": ("code",),
    "blog_tags": ("tag",),
    "scripts": ("uuid",),
    "widgets": ("uuid",),
    "widget_templates": ("uuid",),
    "widget_placements": ("uuid",),
    "themes": ("uuid",),
    "email_templates": ("type_id",),
}

#: fixed lists (generated once per store) -> their factory; ``Store.records`` serves them
LISTS: dict[str, ListFn] = {
    "shipping_zones": commerce.shipping_zones,
    "payment_methods": commerce.payment_methods,
    "tax_zones": commerce.tax_zones,
    "tax_rates": commerce.tax_rates,
    "tax_properties": commerce.tax_properties,
    "countries": commerce.countries,
    "country_states": commerce.country_states,
    "pickup_methods": commerce.pickup_methods,
    "segments": commerce.segments,
    "redirects": storefront.redirects,
    "blog_tags": storefront.blog_tags,
    "sites": storefront.sites,
    "scripts": storefront.scripts,
    "widgets": storefront.widgets,
    "widget_templates": storefront.widget_templates,
    "widget_placements": storefront.widget_placements,
    "themes": storefront.themes,
    "custom_template_associations": storefront.custom_template_associations,
    "email_templates": storefront.email_templates,
    "abandoned_cart_emails": storefront.abandoned_cart_emails,
    "channel_metafields": metafields.channel_metafields,
    "location_metafields": metafields.location_metafields,
    "store_metafields": metafields.store_metafields,
    # the children of fixed parents, each with its parent's id
    "shipping_methods": lambda ctx: [
        {**method, "zone_id": zone["id"]}
        for zone in commerce.shipping_zones(ctx)
        for method in commerce.shipping_methods(ctx, zone["id"]) or []
    ],
    "site_routes": lambda ctx: [
        {**route, "site_id": site["id"]}
        for site in storefront.sites(ctx)
        for route in storefront.site_routes(ctx, site["id"]) or []
    ],
}
