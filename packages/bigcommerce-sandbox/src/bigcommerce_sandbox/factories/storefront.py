"""Storefront content: redirects, blog tags, sites and routes, scripts, widgets, themes,
custom template associations and the store's emails.

Fixed per store (generated once from the seed), and consistent with the rest of the
store: redirects and template associations point at existing products and categories,
blog tags at existing posts, routes at existing sites, placements at existing widgets,
widgets at existing templates, sites at existing channels.
"""

from __future__ import annotations

from typing import Any

from bigcommerce_sandbox.dates import iso
from bigcommerce_sandbox.factories import catalog, orders
from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.factories.settings import CHANNELS, SETUP, blog_posts

REDIRECTS = 260  # more than a page of 250
SITES = ((1000, 1, "https://boutique.example.com"), (1001, 1, "https://headless.example.com"))
ROUTE_TYPES = ("product", "category", "brand", "page", "blog", "home", "cart", "search")
THEMES = (
    ("0c6b8e2a-1f1e-4d6e-9f61-7b0b8f1c0001", "Cornerstone", True),
    ("0c6b8e2a-1f1e-4d6e-9f61-7b0b8f1c0002", "Hvítur — Nordic", False),
)


def _uuid(kind: int, k: int) -> str:
    return f"5a1d{kind:04x}-0000-4000-8000-{k:012x}"


def redirects(ctx: Ctx) -> list[dict[str, Any]]:
    out = []
    for k in range(1, REDIRECTS + 1):
        site_id = SITES[k % len(SITES)][0]
        to: dict[str, Any]
        if k % 3 == 0:
            to = {"type": "url", "url": f"https://elsewhere.example.com/{k}"}
            to_url = to["url"]
        else:
            entity = (
                orders.PRODUCT_BASE + k % max(ctx.n_products, 1)
                if k % 3 == 1
                else catalog.CATEGORY_BASE + k % max(ctx.n_categories, 1)
            )
            kind = "product" if k % 3 == 1 else "category"
            to = {"type": kind, "entity_id": entity}
            to_url = f"{SITES[k % len(SITES)][2]}/{kind}/{entity}/"
        out.append(
            {
                "id": k,
                "site_id": site_id,
                "from_path": f"/old/{k}-ärchiv",
                "to": to,
                "to_url": to_url,
            }
        )
    return out


def blog_tags(ctx: Ctx) -> list[dict[str, Any]]:
    """Each tag with the existing posts that carry it."""
    posts = [post["id"] for post in blog_posts(ctx)]
    tags = {"News": posts, "Herbst — Automne": posts[1:2], "お知らせ": posts[2:]}
    return [{"tag": tag, "post_ids": ids} for tag, ids in tags.items() if ids]


def sites(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        {
            "id": sid,
            "url": url,
            "channel_id": cid,
            "created_at": iso(SETUP + k * 86400),
            "updated_at": iso(SETUP + k * 86400 * 3),
            "ssl_status": "dedicated",
            "urls": [
                {
                    "url": url,
                    "type": "primary",
                    "created_at": iso(SETUP + k * 86400),
                    "updated_at": iso(SETUP + k * 86400 * 3),
                },
                {
                    "url": url.replace("https://", "https://checkout."),
                    "type": "checkout",
                    "created_at": iso(SETUP + k * 86400),
                    "updated_at": iso(SETUP + k * 86400 * 3),
                },
            ],
            "is_checkout_url_customized": k == 1,
        }
        for k, (sid, cid, url) in enumerate(SITES)
    ]


def site_routes(ctx: Ctx, site_id: int) -> list[dict[str, Any]] | None:
    """The routes of one site (None: no such site)."""
    del ctx
    if site_id not in {s[0] for s in SITES}:
        return None
    return [
        {
            "id": site_id * 100 + k,
            "type": kind,
            "matching": "*" if kind in ("product", "category", "brand") else "",
            "route": "/" if kind == "home" else f"/{kind}/{{slug}}/",
        }
        for k, kind in enumerate(ROUTE_TYPES, start=1)
    ]


def scripts(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        {
            "name": name,
            "uuid": _uuid(1, k),
            "date_created": iso(SETUP + k * 3600),
            "date_modified": iso(SETUP + k * 7200),
            "description": f"{name} on every page",
            "html": f"<script>window.tag{k}=1</script>" if kind == "script_tag" else "",
            "src": "" if kind == "script_tag" else f"https://cdn.example.com/{k}.js",
            "auto_uninstall": True,
            "load_method": "default",
            "location": ("head", "footer")[k % 2],
            "visibility": ("all_pages", "storefront", "checkout", "order_confirmation")[k % 4],
            "kind": kind,
            "api_client_id": "sandbox-app",
            "consent_category": ("essential", "analytics", "functional", "targeting")[k % 4],
            "enabled": k != 3,
            "channel_id": 1,
            "integrity_hashes": [] if kind == "script_tag" else [f"sha384-{k:064x}"],
        }
        for k, (name, kind) in enumerate(
            (("Analytics", "src"), ("Chat — Hjälp", "src"), ("Consent", "script_tag")), start=1
        )
    ]


_EDITOR_TAB = {
    "type": "tab",
    "label": "Content",
    "sections": [
        {
            "label": "Text",
            "settings": [
                {
                    "type": "select",
                    "label": "Alignment",
                    "id": "align",
                    "default": "left",
                    "typeMeta": {
                        "selectOptions": [
                            {"label": "Left", "value": "left"},
                            {"label": "Right — droite", "value": "right"},
                        ]
                    },
                    "conditional": {"key": "layout", "operator": "IN", "value": ["wide"]},
                }
            ],
        }
    ],
}
"""The editor form of a template: one tab, one section, one setting."""


def widget_templates(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        {
            "name": name,
            "schema": [_EDITOR_TAB],
            "template": f"<div class='{kind}'>{{{{text}}}}</div>",
            "storefront_api_query": "",
            "uuid": _uuid(2, k),
            "kind": kind,
            "date_created": iso(SETUP + k * 86400),
            "date_modified": iso(SETUP + k * 86400 * 2),
            "current_version_uuid": _uuid(3, k),
            "icon_name": "default",
        }
        for k, (name, kind) in enumerate(
            (("Banner", "custom"), ("Texte riche", "custom"), ("Image", "custom")), start=1
        )
    ]


def widgets(ctx: Ctx) -> list[dict[str, Any]]:
    templates = widget_templates(ctx)
    out = []
    for k in range(1, 6):
        template = templates[k % len(templates)]
        out.append(
            {
                "name": f"Widget {k} — {template['name']}",
                "description": f"Home page block {k}",
                "widget_configuration": {"text": f"Hello {k}", "color": "#333"},
                "uuid": _uuid(4, k),
                "widget_template": template,
                "date_created": iso(SETUP + k * 86400 * 5),
                "date_modified": iso(SETUP + k * 86400 * 6),
                "version_uuid": template["current_version_uuid"],
                "channel_id": 1,
            }
        )
    return out


def widget_placements(ctx: Ctx) -> list[dict[str, Any]]:
    out = []
    for k, widget in enumerate(widgets(ctx)[:4], start=1):
        out.append(
            {
                "uuid": _uuid(5, k),
                "template_file": ("pages/home", "pages/product")[k % 2],
                "date_created": widget["date_created"],
                "date_modified": widget["date_modified"],
                "channel_id": 1,
                "entity_id": "" if k % 2 == 0 else str(orders.PRODUCT_BASE + k),
                "sort_order": k,
                "region": "home_below_featured_products",
                "status": ("active", "inactive")[k % 2 == 0],
                "widget": widget,
            }
        )
    return out


def themes(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        {
            "variations": [
                {
                    "description": f"{name}, {variant}",
                    "external_id": f"{name[:4].lower()}-{variant.lower()}",
                    "name": variant,
                    "uuid": f"{uuid[:-4]}{k:02d}{j:02d}",
                }
                for j, variant in enumerate(("Light", "Bold"))
            ],
            "uuid": uuid,
            "name": name,
            "is_private": k == 1,
            "is_active": active,
            "updated_at": iso(SETUP + k * 86400),
        }
        for k, (uuid, name, active) in enumerate(THEMES)
    ]


def custom_template_associations(ctx: Ctx) -> list[dict[str, Any]]:
    out = []
    for k in range(1, 7):
        kind = ("product", "category", "brand")[k % 3]
        base = {
            "product": orders.PRODUCT_BASE,
            "category": catalog.CATEGORY_BASE,
            "brand": catalog.BRAND_BASE,
        }[kind]
        size = {"product": ctx.n_products, "category": ctx.n_categories, "brand": ctx.n_brands}
        out.append(
            {
                "id": k,
                "channel_id": CHANNELS[0][0],
                "entity_type": kind,
                "entity_id": base + k % max(size[kind], 1),
                "file_name": f"custom-{kind}-{k}.html",
                "is_valid": k != 5,
                "date_created": iso(SETUP + k * 86400),
                "date_modified": iso(SETUP + k * 86400 * 2),
            }
        )
    return out


EMAIL_TYPES = (
    "abandoned_cart_email",
    "account_details_changed_email",
    "combined_order_status_email",
    "createaccount_email",
    "createguestaccount_email",
    "giftcertificate_email",
    "invoice_email",
    "ordermessage_notification",
    "return_confirmation_email",
)


def email_templates(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        {
            "type_id": type_id,
            "body": f"<p>{{{{lang 'hello'}}}} — {type_id}</p>",
            "translations": [
                {"locale": "en", "keys": {"hello": "Hello"}},
                {"locale": "de", "keys": {"hello": "Hallo"}},
            ],
            "subject": type_id.replace("_", " ").title(),
        }
        for type_id in EMAIL_TYPES
    ]


def abandoned_cart_emails(ctx: Ctx) -> list[dict[str, Any]]:
    del ctx
    return [
        {
            "id": k,
            "notify_at_minutes": minutes,
            "coupon_code": "COMEBACK10" if k == 3 else "",
            "template": {
                "subject": f"You left something behind ({k})",
                "body": "<p>{{lang 'cart'}}</p>",
                "translations": [{"locale": "en", "keys": {"cart": "Your cart misses you"}}],
            },
            "is_active": k != 2,
            "sent_num": 10 * k,
        }
        for k, minutes in enumerate((60, 1440, 4320), start=1)
    ]
