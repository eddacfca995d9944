"""The product catalog."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, Mapping

from tap_bigcommerce.client import EmbeddedChildStream, V3KeysetStream

PRODUCTS_SCOPE = "store_v2_products_read_only"


class ProductsStream(V3KeysetStream):
    """Products, with every sub-resource that keeps the page at 250 embedded.

    `options` and `modifiers` are left out: including them caps a page at 10 products.
    """

    name = "products"
    path = "/v3/catalog/products"
    scope = PRODUCTS_SCOPE
    include = "variants,images,custom_fields,bulk_pricing_rules,videos"


class ProductChildStream(EmbeddedChildStream):
    """A product sub-resource list embedded with `include=<include_name>`."""

    include_name: t.ClassVar[str]
    parent_stream_type = ProductsStream

    def extract(self, parent: Mapping[str, t.Any]) -> Iterator[dict[str, t.Any]]:
        children = parent.get(self.include_name)
        for child in children if isinstance(children, list) else ():
            if isinstance(child, dict):
                yield {**child, "product_id": child.get("product_id", parent["id"])}


class ProductVariantsStream(ProductChildStream):
    name = "product_variants"
    path = "/v3/catalog/products/{product_id}/variants"
    scope = PRODUCTS_SCOPE
    include_name = "variants"
