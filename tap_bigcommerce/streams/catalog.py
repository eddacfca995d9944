"""The product catalog."""

from __future__ import annotations

import typing as t

from tap_bigcommerce.reading.embedded import Embedded, Reread
from tap_bigcommerce.reading.id_listing import V3IdIn, V3IdKeyset
from tap_bigcommerce.reading.keyset import V3Keyset
from tap_bigcommerce.reading.numbered import FullTablePages
from tap_bigcommerce.reading.per_parent import PerParent
from tap_bigcommerce.reading.single import Unpaged
from tap_bigcommerce.reading.subwindows import V3Cursor
from tap_bigcommerce.reading.sweep import DeleteSweep
from tap_bigcommerce.streams.base import BigCommerceStream

PRODUCTS_SCOPE = "store_v2_products_read_only"
PRODUCTS_PATH = "/v3/catalog/products"
OPTIONS_PAGE = 10
"""BigCommerce caps a products page at 10 records when options or modifiers are included."""


class ProductsStream(BigCommerceStream):
    """Products, with every sub-resource that keeps the page at 250 embedded.

    `options` and `modifiers` are left out: including them caps a page at 10 products
    (their streams re-read each page of products with them instead).
    """

    name = "products"
    path = PRODUCTS_PATH
    scope = PRODUCTS_SCOPE
    pager = V3Keyset(include="variants,images,custom_fields,bulk_pricing_rules,videos")
    deletes = DeleteSweep(
        # `id` always comes back; the spec's include_fields enum does not list it.
        V3IdKeyset(include_fields="type"),
        children={
            "product_variants": "variants",
            "product_images": "images",
            "product_videos": "videos",
            "product_custom_fields": "custom_fields",
            "product_bulk_pricing_rules": "bulk_pricing_rules",
        },
    )


class ProductChildStream(BigCommerceStream):
    parent_stream_type = ProductsStream
    scope = PRODUCTS_SCOPE


class ProductVariantsStream(ProductChildStream):
    name = "product_variants"
    path = "/v3/catalog/products/{product_id}/variants"
    pager = Embedded("variants", parent_key="product_id")


class ProductImagesStream(ProductChildStream):
    name = "product_images"
    path = "/v3/catalog/products/{product_id}/images"
    pager = Embedded("images", parent_key="product_id")


class ProductVideosStream(ProductChildStream):
    name = "product_videos"
    path = "/v3/catalog/products/{product_id}/videos"
    pager = Embedded("videos", parent_key="product_id")


class ProductCustomFieldsStream(ProductChildStream):
    name = "product_custom_fields"
    path = "/v3/catalog/products/{product_id}/custom-fields"
    pager = Embedded("custom_fields", parent_key="product_id")


class ProductBulkPricingRulesStream(ProductChildStream):
    name = "product_bulk_pricing_rules"
    path = "/v3/catalog/products/{product_id}/bulk-pricing-rules"
    pager = Embedded("bulk_pricing_rules", parent_key="product_id")


def _options_and_modifiers(field: str) -> Reread:
    return Reread(
        path=PRODUCTS_PATH,
        include="options,modifiers",
        field=field,
        parent_key="product_id",
        page_limit=OPTIONS_PAGE,
        cost="1 per 10 changed products (shared by options and modifiers)",
    )


class ProductOptionsStream(ProductChildStream):
    name = "product_options"
    path = "/v3/catalog/products/{product_id}/options"
    pager = _options_and_modifiers("options")


class ProductModifiersStream(ProductChildStream):
    name = "product_modifiers"
    path = "/v3/catalog/products/{product_id}/modifiers"
    pager = _options_and_modifiers("modifiers")


class ProductReviewsStream(ProductChildStream):
    """Reviews: no include and no store-wide list, so one request per changed product."""

    name = "product_reviews"
    path = "/v3/catalog/products/{parent_id}/reviews"
    pager = PerParent("product_id")


class ProductMetafieldsStream(BigCommerceStream):
    """Every product's metafields from the store-wide list, by `date_modified` window."""

    name = "product_metafields"
    path = "/v3/catalog/products/metafields"
    scope = PRODUCTS_SCOPE
    pager = V3Cursor()


class VariantsStream(BigCommerceStream):
    """The store-wide variant list, read whole every run.

    Unlike `product_variants` (free, but only for products whose `date_modified`
    moved), it is a complete snapshot: inventory changes that do not touch the
    product show up here.
    """

    name = "variants"
    path = "/v3/catalog/variants"
    scope = PRODUCTS_SCOPE
    pager = FullTablePages()


class BrandsStream(BigCommerceStream):
    name = "brands"
    path = "/v3/catalog/brands"
    scope = PRODUCTS_SCOPE
    pager = FullTablePages()
    deletes = DeleteSweep(V3IdIn(), full_read=True)


class CategoriesStream(BigCommerceStream):
    name = "categories"
    path = "/v3/catalog/categories"
    scope = PRODUCTS_SCOPE
    pager = FullTablePages()
    deletes = DeleteSweep(V3IdIn(), full_read=True)


class CategoryTreesStream(BigCommerceStream):
    name = "category_trees"
    path = "/v3/catalog/trees"
    scope = PRODUCTS_SCOPE
    pager = Unpaged()


class TreeCategoriesStream(BigCommerceStream):
    """Every category of every tree (multi-storefront catalogs), one list for all trees."""

    name = "tree_categories"
    path = "/v3/catalog/trees/categories"
    scope = PRODUCTS_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "category_id")
    pager = FullTablePages()
