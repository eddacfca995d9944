"""THE endpoint table: method + path template -> required OAuth scope + handler.

Adding an endpoint is one line here (plus a factory in ``registry``). The scope
column is the only place scopes are assigned; tokens with the scope or its
read-write parent (the name without ``_read_only``) may call the endpoint.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from bigcommerce_sandbox import listing, views
from bigcommerce_sandbox.factories import (
    catalog,
    commerce,
    customers,
    metafields,
    orders,
    settings,
    storefront,
)
from bigcommerce_sandbox.factories import store as store_factory
from bigcommerce_sandbox.factories.settings_objects import SETTINGS
from bigcommerce_sandbox.http import Request
from bigcommerce_sandbox.state import Row
from bigcommerce_sandbox.store import Store

ORDERS = "store_v2_orders_read_only"
TRANSACTIONS = "store_v2_transactions_read_only"
PRODUCTS = "store_v2_products_read_only"
CUSTOMERS = "store_v2_customers_read_only"
INFORMATION = "store_v2_information_read_only"
MARKETING = "store_v2_marketing_read_only"
CONTENT = "store_v2_content_read_only"
CHANNEL_SETTINGS = "store_channel_settings_read_only"
CHANNEL_LISTINGS = "store_channel_listings_read_only"
INVENTORY = "store_inventory_read_only"
LOCATIONS = "store_locations_read_only"
LOGS = "store_logs_read_only"
SITES = "store_sites_read_only"
THEMES = "store_themes_read_only"
PAYMENT_METHODS = "store_payments_methods_read"
FULFILLMENT = "store_fulfillment_methods_read_only"
ALL_SCOPES = (
    ORDERS,
    TRANSACTIONS,
    PRODUCTS,
    CUSTOMERS,
    INFORMATION,
    MARKETING,
    CONTENT,
    CHANNEL_SETTINGS,
    CHANNEL_LISTINGS,
    INVENTORY,
    LOCATIONS,
    LOGS,
    SITES,
    THEMES,
    PAYMENT_METHODS,
    FULFILLMENT,
)

PRODUCT_INCLUDES = frozenset(catalog.SUBRESOURCES)
CUSTOMER_INCLUDES = frozenset(("addresses", "attributes", "formfields", "storecredit"))


def _includes(req: Request, allowed: frozenset[str]) -> frozenset[str]:
    return frozenset(x for x in req.params.get("include", "").split(",") if x in allowed)


def _render_order(store: Store, row: Row, req: Request) -> Any:
    inc = req.params.get("include", "")
    include = (
        "consignments.line_items"
        if "consignments.line_items" in inc
        else "consignments"
        if "consignments" in inc
        else ""
    )
    with_fees = "fees" in inc.split(",")
    return store.render(
        ("order", include, with_fees), row, lambda: orders.order(store.ctx, row, include, with_fees)
    )


def _render_product(store: Store, row: Row, req: Request) -> Any:
    inc = _includes(req, PRODUCT_INCLUDES)
    return store.render(("product", inc), row, lambda: catalog.product(store.ctx, row, inc))


def _render_customer(store: Store, row: Row, req: Request) -> Any:
    inc = _includes(req, CUSTOMER_INCLUDES)
    return store.render(("customer", inc), row, lambda: customers.customer(store.ctx, row, inc))


def _plain(fn: Any) -> views.Render:
    return lambda store, row, req: fn(store.ctx, row)


def _product_page_cap(req: Request) -> int | None:
    return 10 if _includes(req, frozenset(("options", "modifiers"))) else None


def _product_sorts(store: Store) -> dict[str, Any]:
    base = store.tables["products"].base
    return {
        "name": lambda i: catalog.product_name(store.ctx, i),
        "sku": lambda i: f"SKU-{i}",
        "price": lambda i: catalog.price_of(store.ctx, store.tables["products"].row(i - base)),
    }


def _store_info(req: Request) -> Any:
    assert req.store is not None
    return store_factory.store_info(req.store.ctx, req.store.index)


def _customer_sorts(store: Store) -> dict[str, Any]:
    return {
        "last_name": lambda i: customers.names(store.ctx, i)[1],
        "first_name": lambda i: customers.names(store.ctx, i)[0],
    }


_SETTINGS_SCOPES = {
    "/v3/promotions/settings": MARKETING,
    "/v3/orders/settings": ORDERS,
    "/v3/shipping/settings": PRODUCTS,
}


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    template: str
    scope: str
    handler: views.Handler
    pattern: re.Pattern[str] = dataclasses.field(init=False, compare=False)

    def __post_init__(self) -> None:
        rx = re.sub(r"\{[a-z_]+\}", r"(\\d+)", self.template)
        object.__setattr__(self, "pattern", re.compile(f"^{rx}$"))


ROUTES: tuple[Route, ...] = (
    # orders (v2)
    Route("GET", "/v2/orders", ORDERS, views.v2_table_list("orders", _render_order)),
    Route("GET", "/v2/orders/count", ORDERS, views.v2_count("orders")),
    Route("GET", "/v2/orders/{order_id}", ORDERS, views.v2_detail("orders", _render_order)),
    Route("GET", "/v2/orders/{order_id}/products", ORDERS, views.v2_children("order_products")),
    Route(
        "GET",
        "/v2/orders/{order_id}/shipping_addresses",
        ORDERS,
        views.v2_children("order_shipping_addresses"),
    ),
    Route("GET", "/v2/orders/{order_id}/coupons", ORDERS, views.v2_children("order_coupons")),
    Route("GET", "/v2/orders/{order_id}/shipments", ORDERS, views.v2_children("order_shipments")),
    Route("GET", "/v2/orders/{order_id}/taxes", ORDERS, views.v2_children("order_taxes")),
    Route("GET", "/v2/orders/{order_id}/messages", ORDERS, views.v2_children("order_messages")),
    Route(
        "GET",
        "/v2/orders/{order_id}/consignments",
        ORDERS,
        views.v2_detail(
            "orders",
            lambda s, row, req: orders.consignments(
                s.ctx, row, "consignments.line_items" in req.params.get("include", "")
            ),
        ),
    ),
    Route(
        "GET", "/v2/order_statuses", ORDERS, views.v2_object(lambda req: orders.order_status_list())
    ),
    # orders (v3)
    Route(
        "GET",
        "/v3/orders/{order_id}/transactions",
        TRANSACTIONS,
        views.v3_children("order_transactions"),
    ),
    Route(
        "GET",
        "/v3/orders/{order_id}/payment_actions/refunds",
        ORDERS,
        views.v3_children("order_refunds"),
    ),
    Route(
        "GET",
        "/v3/orders/payment_actions/refunds",
        ORDERS,
        views.v3_windowed_children("order_refunds", "created"),
    ),
    # catalog (v3)
    Route(
        "GET",
        "/v3/catalog/products",
        PRODUCTS,
        views.v3_table_list("products", _render_product, _product_sorts, _product_page_cap),
    ),
    *(
        Route(
            "GET", f"/v3/catalog/products/{{product_id}}/{path}", PRODUCTS, views.v3_children(child)
        )
        for path, child in (
            ("variants", "variants"),
            ("images", "images"),
            ("custom-fields", "custom_fields"),
            ("custom_fields", "custom_fields"),
            ("bulk-pricing-rules", "bulk_pricing_rules"),
            ("bulk_pricing_rules", "bulk_pricing_rules"),
            ("videos", "videos"),
            ("options", "options"),
            ("modifiers", "modifiers"),
        )
    ),
    Route(
        "GET", "/v3/catalog/products/{product_id}/reviews", PRODUCTS, views.v3_children("reviews")
    ),
    Route(
        "GET", "/v3/catalog/products/metafields", PRODUCTS, views.v3_cursor_children("metafields")
    ),
    Route(
        "GET",
        "/v3/catalog/variants",
        PRODUCTS,
        views.v3_store_children("variants", "product_id:in"),
    ),
    Route(
        "GET", "/v3/catalog/brands", PRODUCTS, views.v3_table_list("brands", _plain(catalog.brand))
    ),
    Route(
        "GET",
        "/v3/catalog/categories",
        PRODUCTS,
        views.v3_table_list("categories", _plain(catalog.category)),
    ),
    Route("GET", "/v3/catalog/trees", PRODUCTS, views.v3_static(lambda req: catalog.trees())),
    Route(
        "GET",
        "/v3/catalog/trees/categories",
        PRODUCTS,
        views.v3_table_list("categories", _plain(catalog.tree_category)),
    ),
    # customers (v3)
    Route(
        "GET",
        "/v3/customers",
        CUSTOMERS,
        views.v3_cursor_list("customers", _render_customer, _customer_sorts),
    ),
    Route(
        "GET",
        "/v3/customers/addresses",
        CUSTOMERS,
        views.v3_store_children("customer_addresses", "customer_id:in"),
    ),
    Route(
        "GET",
        "/v3/customers/attributes",
        CUSTOMERS,
        views.v3_static(lambda req: customers.attributes()),
    ),
    Route(
        "GET",
        "/v3/customers/attribute-values",
        CUSTOMERS,
        views.v3_store_children("customer_attribute_values", "customer_id:in"),
    ),
    Route(
        "GET",
        "/v2/customer_groups",
        CUSTOMERS,
        views.v2_static(lambda s: settings.customer_groups(s.ctx)),
    ),
    Route(
        "GET",
        "/v3/customers/subscribers",
        CUSTOMERS,
        views.v3_store_children("subscribers"),
    ),
    Route("GET", "/v3/wishlists", CUSTOMERS, views.v3_store_children("wishlists", "customer_id")),
    # marketing
    Route("GET", "/v3/promotions", MARKETING, views.v3_list(lambda s: settings.promotions(s.ctx))),
    Route(
        "GET",
        "/v3/promotions/{promotion_id}/codes",
        MARKETING,
        views.v3_static_cursor(lambda s, pid: settings.promotion_codes(s.ctx, pid)),
    ),
    Route("GET", "/v2/gift_certificates", MARKETING, views.v2_store_children("gift_certificates")),
    # channels, content, price lists, inventory, webhooks, logs
    Route(
        "GET", "/v3/channels", CHANNEL_SETTINGS, views.v3_list(lambda s: settings.channels(s.ctx))
    ),
    Route(
        "GET",
        "/v3/channels/{channel_id}/listings",
        CHANNEL_LISTINGS,
        views.v3_cursor_children(
            "channel_listings", "channel_id", lambda s: [c[0] for c in settings.CHANNELS]
        ),
    ),
    Route(
        "GET",
        "/v2/currencies",
        INFORMATION,
        views.v2_static(lambda s: settings.currencies(s.ctx)),
    ),
    Route(
        "GET",
        "/v2/tax_classes",
        INFORMATION,
        views.v2_static(lambda s: settings.tax_classes(s.ctx)),
    ),
    Route("GET", "/v3/content/pages", CONTENT, views.v3_list(lambda s: settings.pages(s.ctx))),
    Route("GET", "/v2/blog/posts", CONTENT, views.v2_static(lambda s: settings.blog_posts(s.ctx))),
    Route("GET", "/v3/pricelists", PRODUCTS, views.v3_list(lambda s: settings.price_lists(s.ctx))),
    Route(
        "GET",
        "/v3/pricelists/assignments",
        PRODUCTS,
        views.v3_list(lambda s: settings.price_list_assignments(s.ctx)),
    ),
    Route(
        "GET",
        "/v3/pricelists/{price_list_id}/records",
        PRODUCTS,
        views.v3_cursor_children(
            "price_list_records", "price_list_id", lambda s: [p[0] for p in settings.PRICE_LISTS]
        ),
    ),
    Route("GET", "/v3/inventory/items", INVENTORY, views.v3_store_children("inventory_items")),
    Route(
        "GET",
        "/v3/inventory/locations",
        LOCATIONS,
        views.v3_list(lambda s: settings.locations(s.ctx)),
    ),
    Route("GET", "/v3/hooks", INFORMATION, views.v3_list(lambda s: settings.webhooks(s.ctx))),
    Route("GET", "/v3/store/systemlogs", LOGS, views.v3_list(lambda s: settings.store_logs(s.ctx))),
    # storefront content
    Route(
        "GET",
        "/v3/storefront/redirects",
        CONTENT,
        listing.v3_paged(storefront.redirects, {"id:in": "id", "site_id": "site_id"}),
    ),
    Route("GET", "/v2/blog/tags", CONTENT, listing.v2_unpaged(storefront.blog_tags)),
    Route(
        "GET",
        "/v3/sites",
        SITES,
        listing.v3_offset(storefront.sites, {"channel_id:in": "channel_id"}),
    ),
    Route(
        "GET",
        "/v3/sites/{site_id}/routes",
        SITES,
        listing.v3_paged_children(storefront.site_routes),
    ),
    Route(
        "GET",
        "/v3/content/scripts",
        CONTENT,
        listing.v3_paged(storefront.scripts, {"channel_id:in": "channel_id"}),
    ),
    Route(
        "GET",
        "/v3/content/widgets",
        CONTENT,
        listing.v3_paged(storefront.widgets, {"channel_id:in": "channel_id"}),
    ),
    Route(
        "GET",
        "/v3/content/widget-templates",
        CONTENT,
        listing.v3_paged(storefront.widget_templates, {"widget_template_kind": "kind"}),
    ),
    Route(
        "GET",
        "/v3/content/placements",
        CONTENT,
        listing.v3_paged(storefront.widget_placements, {"template_file": "template_file"}),
    ),
    Route("GET", "/v3/themes", THEMES, listing.v3_unpaged(storefront.themes)),
    Route(
        "GET",
        "/v3/storefront/custom-template-associations",
        THEMES,
        listing.v3_paged(
            storefront.custom_template_associations,
            {"channel_id": "channel_id", "entity_id:in": "entity_id", "type": "entity_type"},
        ),
    ),
    Route(
        "GET",
        "/v3/marketing/email-templates",
        INFORMATION,
        listing.v3_unpaged(storefront.email_templates),
    ),
    Route(
        "GET",
        "/v3/marketing/abandoned-cart-emails",
        INFORMATION,
        listing.v3_unpaged(storefront.abandoned_cart_emails),
    ),
    # shipping, payments, tax, geography, pickup, segments
    Route("GET", "/v2/shipping/zones", INFORMATION, listing.v2_unpaged(commerce.shipping_zones)),
    Route(
        "GET",
        "/v2/shipping/zones/{zone_id}/methods",
        INFORMATION,
        listing.v2_unpaged_children(commerce.shipping_methods),
    ),
    Route(
        "GET",
        "/v2/payments/methods",
        PAYMENT_METHODS,
        views.v2_static(lambda s: commerce.payment_methods(s.ctx)),
    ),
    Route(
        "GET", "/v3/tax/zones", INFORMATION, listing.v3_unpaged(commerce.tax_zones, {"id:in": "id"})
    ),
    Route(
        "GET",
        "/v3/tax/rates",
        INFORMATION,
        listing.v3_unpaged(commerce.tax_rates, {"id:in": "id", "tax_zone_id:in": "tax_zone_id"}),
    ),
    Route(
        "GET",
        "/v3/tax/properties",
        INFORMATION,
        listing.v3_unpaged(commerce.tax_properties, {"id:in": "id", "type:in": "type"}),
    ),
    Route(
        "GET", "/v2/countries", INFORMATION, views.v2_static(lambda s: commerce.countries(s.ctx))
    ),
    Route(
        "GET",
        "/v2/countries/states",
        INFORMATION,
        views.v2_static(lambda s: commerce.country_states(s.ctx)),
    ),
    Route(
        "GET",
        "/v3/pickup/methods",
        FULFILLMENT,
        listing.v3_paged(commerce.pickup_methods, {"id:in": "id"}),
    ),
    Route(
        "GET",
        "/v3/shipping/products/customs-information",
        PRODUCTS,
        views.v3_store_children("customs_information", "product_id:in"),
    ),
    Route("GET", "/v3/segments", CUSTOMERS, listing.v3_paged(commerce.segments, {"id:in": "id"})),
    Route("GET", "/v3/shopper-profiles", CUSTOMERS, views.v3_store_children("shopper_profiles")),
    # metafields of every owner type (store-wide lists)
    *(
        Route("GET", path, scope, views.v3_cursor_children(child))
        for path, scope, child in (
            ("/v3/catalog/brands/metafields", PRODUCTS, "brand_metafields"),
            ("/v3/catalog/categories/metafields", PRODUCTS, "category_metafields"),
            ("/v3/catalog/variants/metafields", PRODUCTS, "variant_metafields"),
            ("/v3/customers/metafields", CUSTOMERS, "customer_metafields"),
            ("/v3/orders/metafields", ORDERS, "order_metafields"),
        )
    ),
    Route(
        "GET",
        "/v3/channels/metafields",
        CHANNEL_SETTINGS,
        listing.v3_dated_cursor(metafields.channel_metafields),
    ),
    Route(
        "GET",
        "/v3/inventory/locations/metafields",
        LOCATIONS,
        listing.v3_dated_cursor(metafields.location_metafields),
    ),
    Route(
        "GET",
        "/v3/store/metafields",
        INFORMATION,
        listing.v3_dated_cursor(metafields.store_metafields),
    ),
    # settings objects (store-wide, and per storefront channel)
    *(
        Route("GET", path, _SETTINGS_SCOPES.get(path, INFORMATION), listing.v3_settings(path))
        for path in SETTINGS
    ),
    *(
        Route(
            "GET",
            f"{path}/channels/{{channel_id}}",
            _SETTINGS_SCOPES[path],
            listing.v3_channel_settings(path),
        )
        for path, (_, style) in SETTINGS.items()
        if style == "path"
    ),
    # marketing, store information (v2)
    Route(
        "GET",
        "/v2/coupons",
        MARKETING,
        views.v2_table_list("coupons", _plain(store_factory.coupon)),
    ),
    Route(
        "GET",
        "/v2/store",
        INFORMATION,
        views.v2_object(_store_info),
    ),
    Route("GET", "/v2/time", INFORMATION, views.v2_object(lambda req: {"time": int(req.now)})),
)


def match(method: str, path: str) -> tuple[Route | None, tuple[int, ...], bool]:
    """(route, path ids, path_exists_for_other_method)."""
    other = False
    for route in ROUTES:
        m = route.pattern.match(path)
        if m:
            if route.method == method:
                return route, tuple(int(g) for g in m.groups()), False
            other = True
    return None, (), other


def allowed(granted: frozenset[str], scope: str) -> bool:
    return scope in granted or scope.removesuffix("_read_only") in granted
