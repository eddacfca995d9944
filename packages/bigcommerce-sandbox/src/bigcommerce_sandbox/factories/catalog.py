"""Catalog (v3) records: products and their sub-resources, brands, categories, trees."""

from __future__ import annotations

from typing import Any

from bigcommerce_sandbox import fake
from bigcommerce_sandbox.dates import iso
from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.factories.orders import catalog_name
from bigcommerce_sandbox.state import CHILD_SLOTS, Row, child_ids
from bigcommerce_sandbox.stream import Stream

BRAND_BASE = 1
CATEGORY_BASE = 18
SIZES = ("S", "M", "L", "XL")
CDN = "https://cdn11.bigcommerce.com/s-sandbox/products"

_OPTION_CONFIG: dict[str, Any] = {
    "default_value": "",
    "checked_by_default": False,
    "checkbox_label": "",
    "date_limited": False,
    "date_limit_mode": "range",
    "date_earliest_value": "2026-01-01",
    "date_latest_value": "2026-12-31",
    "file_types_mode": "specific",
    "file_types_supported": ["images", "documents"],
    "file_types_other": ["pdf"],
    "file_max_size": 5,
    "text_characters_limited": True,
    "text_min_length": 1,
    "text_max_length": 40,
    "text_lines_limited": False,
    "text_max_lines": 1,
    "number_limited": False,
    "number_limit_mode": "lowest",
    "number_lowest_value": 0,
    "number_highest_value": 100,
    "number_integers_only": False,
    "product_list_adjusts_inventory": False,
    "product_list_adjusts_pricing": False,
    "product_list_shipping_calc": "none",
}


def n_variants(ctx: Ctx, product_id: int) -> int:
    return fake.count(ctx.seed, "variants", product_id, 0, 4)


def _r(ctx: Ctx, kind: str, row: Row) -> Stream:
    return Stream(ctx.seed, kind, row.id, row.version)


def product_name(ctx: Ctx, product_id: int) -> str:
    return catalog_name(ctx.seed, product_id)


def price_of(ctx: Ctx, row: Row) -> float:
    return round(_r(ctx, "product", row).uniform(4, 400), 2)


def variants(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    price = price_of(ctx, row)
    out = []
    removed = ctx.removed.get("variants", ())
    for k, vid in enumerate(child_ids(row.id, n_variants(ctx, row.id))):
        if vid in removed:
            continue
        r = Stream(ctx.seed, "variant", vid, row.version)
        vprice = round(price + k * 2.5, 2)
        out.append(
            {
                "id": vid,
                "product_id": row.id,
                "sku": f"SKU-{row.id}-{SIZES[k]}",
                "sku_id": vid,
                "cost_price": round(vprice * 0.55, 2),
                "price": vprice,
                "sale_price": 0,
                "retail_price": round(vprice * 1.2, 2),
                "weight": round(r.uniform(0.1, 3), 2),
                "width": 10,
                "height": 4,
                "depth": 2,
                "is_free_shipping": False,
                "fixed_cost_shipping_price": 0,
                "purchasing_disabled": False,
                "purchasing_disabled_message": "",
                "upc": r.choice((None, f"{r.randint(10**11, 10**12 - 1)}")),
                "inventory_level": r.randint(0, 500),
                "inventory_warning_level": 5,
                "bin_picking_number": f"B-{r.randint(1, 60)}",
                "option_values": [
                    {
                        "option_display_name": "Size",
                        "label": SIZES[k],
                        "id": row.id * CHILD_SLOTS + k,
                        "option_id": row.id * CHILD_SLOTS,
                    }
                ],
                "calculated_price": vprice,
                "calculated_weight": round(r.uniform(0.1, 3), 2),
                "gtin": "",
                "mpn": r.choice(("", f"MPN-{vid}")),
                "image_url": r.choice(("", f"{CDN}/{row.id}/variants/{vid}.jpg")),
                "map_price": round(vprice * 1.1, 2) if k % 2 else 0,
            }
        )
    return out


def images(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    n = fake.count(ctx.seed, "images", row.id, 1, 3)
    return [
        {
            "id": iid,
            "product_id": row.id,
            "is_thumbnail": k == 0,
            "sort_order": k,
            "description": f"Vue {k + 1} — ansicht",
            "image_file": f"p/{row.id}/{k}.jpg",
            "image_url": f"{CDN}/{row.id}/images/{iid}/{k}.jpg",
            "url_zoom": f"{CDN}/{row.id}/images/{iid}/zoom.jpg",
            "url_standard": f"{CDN}/{row.id}/images/{iid}/500x659.jpg",
            "url_thumbnail": f"{CDN}/{row.id}/images/{iid}/220x290.jpg",
            "url_tiny": f"{CDN}/{row.id}/images/{iid}/44x58.jpg",
            "date_modified": iso(row.modified),
        }
        for k, iid in enumerate(child_ids(row.id, n))
    ]


def custom_fields(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    r = _r(ctx, "custom_fields", row)
    n = fake.count(ctx.seed, "custom_fields", row.id, 0, 2)
    values = (
        ("Material", r.choice(("Coton bio", "Ceramic", "Edelstahl"))),
        ("Origin", r.choice(("日本", "Sverige", "Portugal"))),
    )
    return [
        {"id": cid, "name": name, "value": value}
        for cid, (name, value) in zip(child_ids(row.id, n), values, strict=False)
    ]


def bulk_pricing_rules(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    n = fake.count(ctx.seed, "bulk_pricing_rules", row.id, 0, 1)
    return [
        {"id": bid, "quantity_min": 10, "quantity_max": 50, "type": "percent", "amount": 5}
        for bid in child_ids(row.id, n)
    ]


def videos(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    n = fake.count(ctx.seed, "videos", row.id, 0, 1)
    return [
        {
            "id": vid,
            "product_id": row.id,
            "title": "Unboxing ✨",
            "description": "How it looks",
            "sort_order": 0,
            "type": "youtube",
            "video_id": "dQw4w9WgXcQ",
            "length": "03:32",
        }
        for vid in child_ids(row.id, n)
    ]


def options(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    n = n_variants(ctx, row.id)
    if not n:
        return []
    oid = row.id * CHILD_SLOTS
    # Every other product offers its sizes as colour swatches: `value_data` then holds
    # the swatch's colours, an open object whose content must reach the warehouse.
    swatch = row.id % 2 == 0
    return [
        {
            "id": oid,
            "product_id": row.id,
            "display_name": "Colour" if swatch else "Size",
            "name": f"{'Colour' if swatch else 'Size'}-{row.id}",
            "type": "swatch" if swatch else "rectangles",
            "config": dict(_OPTION_CONFIG),
            "sort_order": 0,
            "option_values": [
                {
                    "id": oid + k,
                    "label": SIZES[k],
                    "sort_order": k,
                    "is_default": k == 0,
                    "value_data": {"colors": [SWATCHES[k % len(SWATCHES)]]} if swatch else None,
                }
                for k in range(n)
            ],
        }
    ]


SWATCHES = ("#1f4e79", "#c00000", "#ffd966", "#70ad47", "#7030a0", "#000000")


def modifiers(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    n = fake.count(ctx.seed, "modifiers", row.id, 0, 1)
    return [
        {
            "id": mid,
            "product_id": row.id,
            "name": f"Gift wrap-{row.id}",
            "display_name": "Gift wrap",
            "type": "checkbox",
            "required": False,
            "sort_order": 1,
            "config": dict(_OPTION_CONFIG),
            "option_values": [
                {
                    "id": mid,
                    "option_id": mid,
                    "label": "Gift wrap",
                    "sort_order": 0,
                    "is_default": False,
                    "value_data": {"checked_value": True},
                    "adjusters": {
                        "price": {"adjuster": "relative", "adjuster_value": 2.5},
                        "weight": {"adjuster": "relative", "adjuster_value": 0},
                        "image_url": "",
                        "purchasing_disabled": {"status": False, "message": ""},
                    },
                }
            ],
        }
        for mid in child_ids(row.id, n)
    ]


SUBRESOURCES = {
    "variants": variants,
    "images": images,
    "custom_fields": custom_fields,
    "bulk_pricing_rules": bulk_pricing_rules,
    "videos": videos,
    "options": options,
    "modifiers": modifiers,
}


def product(ctx: Ctx, row: Row, include: frozenset[str] = frozenset()) -> dict[str, Any]:
    r = _r(ctx, "product", row)
    name = product_name(ctx, row.id)
    price = price_of(ctx, row)
    imgs = images(ctx, row)
    primary = dict(imgs[0])
    primary.pop("image_url", None)
    nvar = n_variants(ctx, row.id)
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    rec: dict[str, Any] = {
        "id": row.id,
        "name": name,
        "type": r.choice(("physical", "physical", "digital")),
        "sku": f"SKU-{row.id}",
        "description": f"<p>{name} — fait main, 手作り.</p>",
        "weight": round(r.uniform(0.1, 5), 2),
        "width": 10,
        "depth": 2,
        "height": 4,
        "price": price,
        "cost_price": round(price * 0.55, 2),
        "retail_price": round(price * 1.2, 2),
        "sale_price": 0,
        "map_price": 0,
        "tax_class_id": 0,
        "product_tax_code": "",
        "categories": [CATEGORY_BASE + r.randrange(max(ctx.n_categories, 1))],
        "brand_id": BRAND_BASE + r.randrange(max(ctx.n_brands, 1)),
        "inventory_level": r.randint(0, 1000),
        "inventory_warning_level": 10,
        "inventory_tracking": "variant" if nvar else "product",
        "fixed_cost_shipping_price": 0,
        "is_free_shipping": r.random() < 0.1,
        "is_visible": r.random() < 0.9,
        "is_featured": r.random() < 0.1,
        "related_products": [-1],
        "warranty": "",
        "bin_picking_number": "",
        "layout_file": "product.html",
        "upc": "",
        "search_keywords": "gift, cadeau, 贈り物",
        "availability_description": "",
        "availability": "available",
        "gift_wrapping_options_type": "any",
        "gift_wrapping_options_list": [],
        "sort_order": 0,
        "condition": "New",
        "is_condition_shown": False,
        "order_quantity_minimum": 0,
        "order_quantity_maximum": 0,
        "page_title": "",
        "meta_keywords": [],
        "meta_description": "",
        "view_count": r.randint(0, 10000),
        "preorder_release_date": None,
        "preorder_message": "",
        "is_preorder_only": False,
        "is_price_hidden": False,
        "price_hidden_label": "",
        "custom_url": {"url": f"/{slug}/", "is_customized": False, "create_redirect": False},
        "open_graph_type": "product",
        "open_graph_title": "",
        "open_graph_description": "",
        "open_graph_use_meta_description": True,
        "open_graph_use_product_name": True,
        "open_graph_use_image": True,
        "gtin": "",
        "mpn": "",
        "date_last_imported": "",
        "reviews_rating_sum": r.randint(0, 50),
        "reviews_count": r.randint(0, 10),
        "total_sold": r.randint(0, 900),
        "primary_image": primary,
        "parent_relations": [
            {"type": "modifier", "product_id": row.id, "attribute_id": m["id"]}
            for m in modifiers(ctx, row)
        ],
        "date_created": iso(row.created),
        "date_modified": iso(row.modified),
        "base_variant_id": row.id * CHILD_SLOTS if nvar else 0,
        "calculated_price": price,
        "option_set_id": 0,
        "option_set_display": "right",
        "channels": [1],
    }
    for name_ in include:
        rec[name_] = SUBRESOURCES[name_](ctx, row)
    return rec


def brand(ctx: Ctx, row: Row) -> dict[str, Any]:
    r = _r(ctx, "brand", row)
    name = f"{fake.BRANDS[row.id % len(fake.BRANDS)]} {row.id}"
    return {
        "id": row.id,
        "name": name,
        "page_title": name,
        "meta_keywords": ["brand"],
        "meta_description": "",
        "search_keywords": name.lower(),
        "image_url": r.choice(("", f"{CDN}/brands/{row.id}.png")),
        "custom_url": {"url": f"/brands/{row.id}/", "is_customized": False},
    }


def category(ctx: Ctx, row: Row) -> dict[str, Any]:
    r = _r(ctx, "category", row)
    names = ("Kitchen", "Café & Thé", "Décor", "Outdoor", "文房具", "Bags", "Lighting", "Textiles")
    first = CATEGORY_BASE
    return {
        "id": row.id,
        "parent_id": 0 if row.id < first + 5 else first + (row.id % 5),
        "name": f"{names[row.id % len(names)]} {row.id}",
        "description": "<p>Curated.</p>",
        "views": r.randint(0, 5000),
        "sort_order": row.id % 10,
        "page_title": "",
        "meta_keywords": [],
        "meta_description": "",
        "layout_file": "category.html",
        "image_url": "",
        "is_visible": True,
        "search_keywords": "",
        "default_product_sort": "use_store_settings",
        "custom_url": {"url": f"/category-{row.id}/", "is_customized": False},
    }


def tree_category(ctx: Ctx, row: Row) -> dict[str, Any]:
    c = category(ctx, row)
    return {
        "category_id": c["id"],
        "category_uuid": f"00000000-0000-4000-8000-{c['id']:012d}",
        "tree_id": 1,
        "parent_id": c["parent_id"],
        "name": c["name"],
        "description": c["description"],
        "views": c["views"],
        "sort_order": c["sort_order"],
        "page_title": "",
        "meta_keywords": [],
        "meta_description": "",
        "layout_file": "category.html",
        "image_url": "",
        "is_visible": True,
        "search_keywords": "",
        "default_product_sort": "use_store_settings",
        "url": {"path": c["custom_url"]["url"], "is_customized": False},
    }


def trees() -> list[dict[str, Any]]:
    return [{"id": 1, "name": "Default", "channels": [1]}]


def reviews(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    n = fake.count(ctx.seed, "reviews", row.id, 0, 2)
    out = []
    for k, rid in enumerate(child_ids(row.id, n)):
        r = Stream(ctx.seed, "review", rid)
        first, last = fake.person(r)
        out.append(
            {
                "id": rid,
                "product_id": row.id,
                "title": r.choice(("Superbe !", "Great mug", "とても良い")),
                "text": "Exactly as described — würde wieder kaufen.",
                "status": ("approved", "pending", "disapproved")[k % 3],
                "rating": r.randint(1, 5),
                "email": fake.email_for(first, last, rid),
                "name": f"{first} {last}",
                "date_reviewed": iso(row.created),
                "date_created": iso(row.created),
                "date_modified": iso(row.created),
            }
        )
    return out


def metafields(ctx: Ctx, row: Row) -> list[dict[str, Any]]:
    n = fake.count(ctx.seed, "metafields", row.id, 0, 2)
    return [
        {
            "id": mid,
            "permission_set": ("app_only", "read", "write", "read_and_sf_access")[k % 4],
            "namespace": "warehouse",
            "key": ("location", "supplier")[k % 2],
            "value": f"Aisle {row.id % 40} — Regal {k}",
            "description": "Where it is stored",
            "resource_type": "product",
            "resource_id": row.id,
            "date_created": iso(row.created),
            "date_modified": iso(row.modified),
            "owner_client_id": "sandbox-app",
        }
        for k, mid in enumerate(child_ids(row.id, n))
    ]
