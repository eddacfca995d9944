"""The product catalog."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, Mapping, Sequence

from tap_bigcommerce.client import (
    PAGE_SIZE,
    ChildStream,
    EmbeddedChildStream,
    FullTableStream,
    PerParentChildStream,
    V3CursorStream,
    V3KeysetStream,
)
from tap_bigcommerce.decoding import copy_record, is_record

PRODUCTS_SCOPE = "store_v2_products_read_only"
OPTIONS_PAGE = 10
"""BigCommerce caps a products page at 10 records when options or modifiers are included."""


class ProductsStream(V3KeysetStream):
    """Products, with every sub-resource that keeps the page at 250 embedded.

    `options` and `modifiers` are left out: including them caps a page at 10 products.
    """

    name = "products"
    path = "/v3/catalog/products"
    scope = PRODUCTS_SCOPE
    include = "variants,images,custom_fields,bulk_pricing_rules,videos"

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._options_for: tuple[tuple[t.Any, ...], dict[t.Any, dict[str, t.Any]]] = ((), {})

    def options_and_modifiers(
        self, parents: Sequence[Mapping[str, t.Any]]
    ) -> dict[t.Any, dict[str, t.Any]]:
        """These products with `include=options,modifiers`, by id: read once per parent page.

        `id:in` over the page's ids, 10 products per request (the API's cap with these
        includes): a tenth of a request per changed product, for both child streams,
        instead of two requests per product from `/products/{id}/options|modifiers`.
        """
        # Keyed by store too: two stores number their products alike.
        ids = (self.store_hash, *(parent["id"] for parent in parents))
        if self._options_for[0] != ids:
            found: dict[t.Any, dict[str, t.Any]] = {}
            product_ids = ids[1:]
            for start in range(0, len(product_ids), PAGE_SIZE):
                chunk = product_ids[start : start + PAGE_SIZE]
                page_number = 1
                while True:
                    body = self.get(
                        {
                            "id:in": ",".join(str(i) for i in chunk),
                            "include": "options,modifiers",
                            "include_fields": "id",
                            "page": page_number,
                            "limit": OPTIONS_PAGE,
                        }
                    )
                    data = (body or {}).get("data") or []
                    pagination = ((body or {}).get("meta") or {}).get("pagination") or {}
                    for product in data:
                        found[product["id"]] = product
                    if not data or pagination.get("total_pages", 1) <= page_number:
                        break
                    page_number += 1
            self._options_for = (ids, found)
        return self._options_for[1]


class ProductChildStream(EmbeddedChildStream):
    """A product sub-resource list embedded with `include=<include_name>`."""

    include_name: t.ClassVar[str]
    parent_stream_type = ProductsStream
    scope = PRODUCTS_SCOPE

    def extract(self, parent: Mapping[str, t.Any]) -> Iterator[dict[str, t.Any]]:
        children = parent.get(self.include_name)
        for child in children if isinstance(children, list) else ():
            if is_record(child):
                yield copy_record(child, product_id=child.get("product_id", parent["id"]))


class ProductVariantsStream(ProductChildStream):
    name = "product_variants"
    path = "/v3/catalog/products/{product_id}/variants"
    include_name = "variants"


class ProductImagesStream(ProductChildStream):
    name = "product_images"
    path = "/v3/catalog/products/{product_id}/images"
    include_name = "images"


class ProductVideosStream(ProductChildStream):
    name = "product_videos"
    path = "/v3/catalog/products/{product_id}/videos"
    include_name = "videos"


class ProductCustomFieldsStream(ProductChildStream):
    name = "product_custom_fields"
    path = "/v3/catalog/products/{product_id}/custom-fields"
    include_name = "custom_fields"


class ProductBulkPricingRulesStream(ProductChildStream):
    name = "product_bulk_pricing_rules"
    path = "/v3/catalog/products/{product_id}/bulk-pricing-rules"
    include_name = "bulk_pricing_rules"


class ProductOptionSetStream(ChildStream):
    """Options or modifiers of the changed products, read 10 products per request.

    Shared with the sibling stream: the products stream reads each parent page's
    options and modifiers once (`ProductsStream.options_and_modifiers`).
    """

    include_name: t.ClassVar[str]
    parent_stream_type = ProductsStream
    scope = PRODUCTS_SCOPE
    cost: t.ClassVar[str] = "1 per 10 changed products (shared by options and modifiers)"

    def records_for(self, parents: Sequence[Mapping[str, t.Any]]) -> Iterator[dict[str, t.Any]]:
        products = t.cast("ProductsStream", self._parent_stream()).options_and_modifiers(parents)
        for product in products.values():
            children = product.get(self.include_name)
            for child in children if isinstance(children, list) else ():
                if is_record(child):
                    yield copy_record(child, product_id=child.get("product_id", product["id"]))

    def _parent_stream(self) -> ProductsStream:
        stream = self.tap.streams["products"]
        return t.cast("ProductsStream", stream)


class ProductOptionsStream(ProductOptionSetStream):
    name = "product_options"
    path = "/v3/catalog/products/{product_id}/options"
    include_name = "options"


class ProductModifiersStream(ProductOptionSetStream):
    name = "product_modifiers"
    path = "/v3/catalog/products/{product_id}/modifiers"
    include_name = "modifiers"


class ProductReviewsStream(PerParentChildStream):
    """Reviews: no include and no store-wide list, so one request per changed product."""

    name = "product_reviews"
    path = "/v3/catalog/products/{parent_id}/reviews"
    scope = PRODUCTS_SCOPE
    parent_stream_type = ProductsStream
    parent_key = "product_id"


class ProductMetafieldsStream(V3CursorStream):
    """Every product's metafields from the store-wide list, by `date_modified` window."""

    name = "product_metafields"
    path = "/v3/catalog/products/metafields"
    scope = PRODUCTS_SCOPE


class VariantsStream(FullTableStream):
    """The store-wide variant list, read whole every run.

    Unlike `product_variants` (free, but only for products whose `date_modified`
    moved), it is a complete snapshot: inventory changes that do not touch the
    product show up here.
    """

    name = "variants"
    path = "/v3/catalog/variants"
    scope = PRODUCTS_SCOPE


class BrandsStream(FullTableStream):
    name = "brands"
    path = "/v3/catalog/brands"
    scope = PRODUCTS_SCOPE


class CategoriesStream(FullTableStream):
    name = "categories"
    path = "/v3/catalog/categories"
    scope = PRODUCTS_SCOPE


class CategoryTreesStream(FullTableStream):
    name = "category_trees"
    path = "/v3/catalog/trees"
    scope = PRODUCTS_SCOPE


class TreeCategoriesStream(FullTableStream):
    """Every category of every tree (multi-storefront catalogs), one list for all trees."""

    name = "tree_categories"
    path = "/v3/catalog/trees/categories"
    scope = PRODUCTS_SCOPE
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "category_id")
