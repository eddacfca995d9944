"""The store's settings objects (``/v3/settings/...`` and the other settings endpoints).

One object per store, and for the endpoints that take a channel one per storefront
channel too (``CHANNELS``): a channel's object is the store-wide one with the values the
channel overrides, as BigCommerce answers it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.factories.settings import CHANNELS

STOREFRONTS = frozenset(c[0] for c in CHANNELS if c[1] == "storefront")
"""The channels with storefront settings (a marketplace channel has none)."""

Channel = int | None
SettingsFn = Callable[[Ctx, Channel], dict[str, Any]]


def _name(ctx: Ctx, channel: Channel) -> str:
    return f"Boutique {ctx.store_hash[:4]}" + ("" if channel is None else f" (channel {channel})")


def store_profile(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    return {
        "store_address": "Storgatan 1, 211 34 Malmö",
        "store_address_type": "Commercial Office",
        "store_email": f"hello+{ctx.store_hash}@example.com",
        "store_name": _name(ctx, channel),
        "store_phone": "+46 40 123 45 67",
    }


def store_locale(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del ctx, channel
    return {
        "default_shopper_language": "sv",
        "shopper_language_selection_method": "browser",
        "store_country": "Sweden",
    }


def catalog(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del ctx
    return {"auto_approve_reviews": channel is not None, "enable_product_comparisons": True}


def inventory(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del ctx
    return {
        "product_out_of_stock_behavior": "hide_product",
        "option_out_of_stock_behavior": "hide_option",
        "update_stock_behavior": "order_placed",
        "edit_order_stock_adjustment": True,
        "refund_order_stock_adjustment": True,
        "stock_level_display": "show" if channel is None else "show_when_low",
        "default_out_of_stock_message": "Slut i lager — out of stock",
        "hide_in_product_filtering": False,
        "show_pre_order_stock_levels": False,
        "show_out_of_stock_message": True,
    }


def inventory_notifications(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del channel
    return {
        "low_stock_notification_address": [f"stock+{ctx.store_hash}@example.com"],
        "out_of_stock_notification_address": [
            f"stock+{ctx.store_hash}@example.com",
            "buyer@example.com",
        ],
    }


def logo(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    return {
        "favicon_url": ctx.v2("/favicon.ico").replace("/v2", ""),
        "logo_image_url": "" if channel is None else f"https://cdn.example.com/logo-{channel}.png",
        "logo_text": _name(ctx, channel),
        "type": "text" if channel is None else "image",
    }


def storefront_category(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del ctx
    return {
        "category_tree_depth": 3 if channel is None else 2,
        "default_product_sort": "featured",
        "listing_mode": "child_categories",
    }


def storefront_product(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del ctx
    return {
        "show_product_price": True,
        "show_product_sku": channel is not None,
        "show_product_weight": False,
        "show_product_brand": True,
        "show_product_shipping": True,
        "show_product_rating": True,
        "show_add_to_cart_link": True,
        "default_preorder_message": "Available %%DATE%%",
        "show_breadcrumbs_product_pages": "show_one",
        "show_add_to_cart_qty_box": True,
        "show_add_to_wishlist": True,
        "hide_price_from_guests": False,
    }


def storefront_search(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del ctx
    return {
        "content_product_sort": "relevance",
        "default_product_sort": "relevance" if channel is None else "newest",
        "product_filtering_enabled": True,
        "search_suggest": True,
    }


def storefront_security(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del ctx, channel
    return {
        "csp_header": {"enabled": True, "header_value": "upgrade-insecure-requests"},
        "hsts": {
            "enabled": True,
            "max_age": "one_year",
            "include_preload": False,
            "include_subdomains": True,
        },
        "sitewide_https_enabled": True,
        "x_frame_options_header": {"enabled": True, "setting": "same_origin", "allowed_url": ""},
    }


def storefront_seo(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    return {
        "meta_description": "Nordic design — skandinavisk design",
        "meta_keywords": "design,home,nordic",
        "page_title": _name(ctx, channel),
        "www_redirect": "www",
    }


def storefront_status(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del ctx, channel
    return {
        "down_for_maintenance_message": "Back soon — snart tillbaka",
        "prelaunch_message": "Opening soon",
        "prelaunch_password": "",
    }


def units_of_measurement(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del ctx
    return {
        "weight_measurement": "KGS" if channel is None else "LBS",
        "length_measurement": "Centimeters" if channel is None else "Inches",
        "decimal_token": ",",
        "thousands_token": " ",
        "decimal_places": 2,
        "factoring_dimension": "depth",
    }


def tax(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del ctx, channel
    return {
        "tax_entered_with_prices": True,
        "price_display_settings": {
            "control_panel_price_display_strategy": "INCLUSIVE",
            "invoice_price_display_strategy": "INCLUSIVE",
        },
        "fallback_strategy": "BASIC",
        "should_subtract_store_tax": False,
        "should_use_geolocation_to_determine_guest_shopper_tax_zone": True,
        "guest_shopper_tax_zone_id": 1,
        "store_tax_zone_id": 2,
        "document_submission_strategy": "ON_ORDER_CREATION",
        "rounding_strategy": "RATE_ROUNDING",
    }


def promotions(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del ctx, channel
    return {
        "promotions_triggered_by_products_with_zero_product_price": True,
        "promotions_apply_on_products_with_custom_product_price": False,
        "number_of_coupons_allowed_at_checkout": 1,
        "promotions_applied_on_original_product_price": True,
    }


def orders(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    suffix = "" if channel is None else f"+{channel}"
    return {
        "notifications": {
            "order_placed": {"email_addresses": [f"orders{suffix}@{ctx.store_hash}.example.com"]},
            "forward_invoice": {"email_addresses": [f"invoices{suffix}@example.com"]},
        }
    }


def shipping(ctx: Ctx, channel: Channel) -> dict[str, Any]:
    del ctx
    return {
        "checkout": {
            "out_of_delivery_zone_message": "We do not ship there — vi skickar inte dit",
            "country_list_strategy": "DISPLAY_ALL_COUNTRIES"
            if channel is None
            else "DISPLAY_ONLY_SHIPPABLE_COUNTRIES",
        }
    }


#: path below /stores/{hash} -> (the settings, how a channel is asked for: None, param, path)
SETTINGS: dict[str, tuple[SettingsFn, str | None]] = {
    "/v3/settings/store/profile": (store_profile, "param"),
    "/v3/settings/store/locale": (store_locale, None),
    "/v3/settings/catalog": (catalog, "param"),
    "/v3/settings/inventory": (inventory, "param"),
    "/v3/settings/inventory/notifications": (inventory_notifications, "param"),
    "/v3/settings/logo": (logo, "param"),
    "/v3/settings/storefront/category": (storefront_category, "param"),
    "/v3/settings/storefront/product": (storefront_product, "param"),
    "/v3/settings/storefront/search": (storefront_search, "param"),
    "/v3/settings/storefront/security": (storefront_security, "param"),
    "/v3/settings/storefront/seo": (storefront_seo, "param"),
    "/v3/settings/storefront/status": (storefront_status, "param"),
    "/v3/settings/store/units-of-measurement": (units_of_measurement, "param"),
    "/v3/tax/settings": (tax, None),
    "/v3/promotions/settings": (promotions, None),
    "/v3/orders/settings": (orders, "path"),
    "/v3/shipping/settings": (shipping, "path"),
}

#: the endpoints whose body is the settings object itself (their specs declare no envelope)
BARE = frozenset({"/v3/promotions/settings", "/v3/orders/settings"})


def settings_truth(ctx: Ctx, path: str) -> list[dict[str, Any]]:
    """Every settings record a sync should deliver: store-wide (channel 0) and per channel."""
    fn, style = SETTINGS[path]
    if style is None:
        return [fn(ctx, None)]
    return [
        {**fn(ctx, None), "channel_id": 0},
        *({**fn(ctx, channel), "channel_id": channel} for channel in sorted(STOREFRONTS)),
    ]
