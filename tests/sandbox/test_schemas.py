"""Every endpoint's responses validate against the official spec, and carry every
property the spec declares (completeness)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import Api
from tests.sandbox.spec import (
    COMPLETENESS_EXEMPT,
    DATA_IS_LIST_OF,
    errors,
    load,
    response_pointer,
)

O2 = "orders.v2.oas2.yml"
O3 = "orders.v3.yml"
P = "catalog/products_catalog.v3.yml"
V = "catalog/product-variants_catalog.v3.yml"
C = "customers.v3.yml"
ALL_PRODUCT_INCLUDES = "variants,images,custom_fields,bulk_pricing_rules,videos"
CONS = {"consignment_structure": "object"}

# (spec file, spec path, sandbox path, [query variants]); "{order}" etc. are filled from truth
CASES: list[tuple[str, str, str, list[dict[str, Any]]]] = [
    (
        O2,
        "/orders",
        "/v2/orders",
        [
            {"limit": 250},
            {"limit": 250, "page": 2, "include": "fees"},
            {"limit": 250, "include": "consignments", **CONS},
            {"limit": 250, "include": "consignments.line_items", **CONS},
            {"limit": 250, "page": 2, "include": "consignments.line_items", **CONS},
            {"is_deleted": "true"},
        ],
    ),
    (
        O2,
        "/orders/{order_id}",
        "/v2/orders/{order}",
        [
            {},
            {"include": "fees"},
            {"include": "consignments", **CONS},
            {"include": "consignments.line_items", **CONS},
        ],
    ),
    (O2, "/orders/count", "/v2/orders/count", [{}]),
    (O2, "/orders/{order_id}/products", "/v2/orders/{order}/products", [{}]),
    (
        O2,
        "/orders/{order_id}/shipping_addresses",
        "/v2/orders/{order_shipping_addresses}/shipping_addresses",
        [{}],
    ),
    (O2, "/orders/{order_id}/coupons", "/v2/orders/{order_coupons}/coupons", [{}]),
    (O2, "/orders/{order_id}/shipments", "/v2/orders/{order_shipments}/shipments", [{}]),
    (O2, "/orders/{order_id}/taxes", "/v2/orders/{order}/taxes", [{}]),
    (O2, "/orders/{order_id}/messages", "/v2/orders/{order_messages}/messages", [{}]),
    (
        O2,
        "/orders/{order_id}/consignments",
        "/v2/orders/{order}/consignments",
        [
            {},
            {"include": "consignments.line_items"},
        ],
    ),
    (O2, "/order_statuses", "/v2/order_statuses", [{}]),
    (O3, "/orders/{order_id}/transactions", "/v3/orders/{order_transactions}/transactions", [{}]),
    (
        O3,
        "/orders/{order_id}/payment_actions/refunds",
        "/v3/orders/{order_refunds}/payment_actions/refunds",
        [{}],
    ),
    (O3, "/orders/payment_actions/refunds", "/v3/orders/payment_actions/refunds", [{"limit": 250}]),
    (
        P,
        "/catalog/products",
        "/v3/catalog/products",
        [
            {"limit": 250},
            {"limit": 250, "include": ALL_PRODUCT_INCLUDES},
            {"include": "options,modifiers"},
            {"include": "options,modifiers", "page": 2},
        ],
    ),
    (P, "/catalog/products/{product_id}/images", "/v3/catalog/products/{images}/images", [{}]),
    (P, "/catalog/products/{product_id}/videos", "/v3/catalog/products/{videos}/videos", [{}]),
    (
        P,
        "/catalog/products/{product_id}/custom-fields",
        "/v3/catalog/products/{custom_fields}/custom-fields",
        [{}],
    ),
    (
        P,
        "/catalog/products/{product_id}/bulk-pricing-rules",
        "/v3/catalog/products/{bulk_pricing_rules}/bulk-pricing-rules",
        [{}],
    ),
    (
        V,
        "/catalog/products/{product_id}/variants",
        "/v3/catalog/products/{variants}/variants",
        [{}],
    ),
    (V, "/catalog/variants", "/v3/catalog/variants", [{"limit": 250}]),
    (
        "catalog/product-variant-options_catalog.v3.yml",
        "/catalog/products/{product_id}/options",
        "/v3/catalog/products/{options}/options",
        [{}],
    ),
    (
        "catalog/product-modifiers_catalog.v3.yml",
        "/catalog/products/{product_id}/modifiers",
        "/v3/catalog/products/{modifiers}/modifiers",
        [{}],
    ),
    ("catalog/brands_catalog.v3.yml", "/catalog/brands", "/v3/catalog/brands", [{}]),
    ("catalog/categories_catalog.v3.yml", "/catalog/categories", "/v3/catalog/categories", [{}]),
    ("catalog/category-trees_catalog.v3.yml", "/catalog/trees", "/v3/catalog/trees", [{}]),
    (
        "catalog/category-trees_catalog.v3.yml",
        "/catalog/trees/categories",
        "/v3/catalog/trees/categories",
        [{}],
    ),
    (
        C,
        "/customers",
        "/v3/customers",
        [
            {"limit": 250, "include": "addresses,attributes,formfields,storecredit"},
            {"limit": 250, "page": 2},
            {"limit": 250},
        ],
    ),
    (C, "/customers/addresses", "/v3/customers/addresses", [{"limit": 250}]),
    (C, "/customers/attributes", "/v3/customers/attributes", [{}]),
    (C, "/customers/attribute-values", "/v3/customers/attribute-values", [{"limit": 250}]),
    (
        P,
        "/catalog/products/{product_id}/reviews",
        "/v3/catalog/products/{reviews}/reviews",
        [{}],
    ),
    (
        P,
        "/catalog/products/metafields",
        "/v3/catalog/products/metafields",
        [{"limit": 250}, {"limit": 5, "date_modified:min": "2025-06-01T00:00:00Z"}],
    ),
    ("customers.v2.yml", "/customer_groups", "/v2/customer_groups", [{"limit": 250}]),
    ("subscribers.v3.yml", "/customers/subscribers", "/v3/customers/subscribers", [{}]),
    ("wishlists.v3.yml", "/wishlists", "/v3/wishlists", [{"limit": 250}]),
    ("promotions.v3.yml", "/promotions", "/v3/promotions", [{}]),
    (
        "promotions.v3.yml",
        "/promotions/{promotion_id}/codes",
        "/v3/promotions/3/codes",
        [{"limit": 250}],
    ),
    ("promotions.v3.yml", "/promotions/{promotion_id}/codes", "/v3/promotions/2/codes", [{}]),
    ("marketing.v2.yml", "/gift_certificates", "/v2/gift_certificates", [{"limit": 250}]),
    ("channels.v3.yml", "/channels", "/v3/channels", [{}]),
    (
        "channels.v3.yml",
        "/channels/{channel_id}/listings",
        "/v3/channels/2/listings",
        [{"limit": 250}, {"limit": 3, "date_modified:min": "2025-06-01T00:00:00Z"}],
    ),
    ("currencies.v2.yml", "/currencies", "/v2/currencies", [{}]),
    ("tax_classes.v2.yml", "/tax_classes", "/v2/tax_classes", [{}]),
    ("pages.v3.yml", "/content/pages", "/v3/content/pages", [{}]),
    ("store_content.v2.yml", "/blog/posts", "/v2/blog/posts", [{}]),
    ("price_lists.v3.yml", "/pricelists", "/v3/pricelists", [{}]),
    (
        "price_lists.v3.yml",
        "/pricelists/{price_list_id}/records",
        "/v3/pricelists/1/records",
        [{"limit": 250}],
    ),
    ("price_lists.v3.yml", "/pricelists/assignments", "/v3/pricelists/assignments", [{}]),
    ("inventory.v3.yml", "/inventory/items", "/v3/inventory/items", [{"limit": 250}]),
    ("locations.v3.yml", "/inventory/locations", "/v3/inventory/locations", [{}]),
    ("webhooks.v3.yml", "/hooks", "/v3/hooks", [{}]),
    ("store_logs.v3.yml", "/store/systemlogs", "/v3/store/systemlogs", [{}]),
    ("marketing.v2.yml", "/coupons", "/v2/coupons", [{"limit": 250}]),
    ("store_information.v2.yml", "/store", "/v2/store", [{}]),
    ("store_information.v2.yml", "/time", "/v2/time", [{}]),
]


def _fill(api: Api, path: str) -> list[str]:
    """Concrete paths for a template; several parents so optional shapes show up."""
    if "{" not in path:
        return [path]
    key = path.split("{")[1].split("}")[0]
    if key == "order":
        ids = [row["id"] for row in api.sb.truth("orders")[:30]]
    else:
        ids = sorted({row["parent_id"] for row in api.sb.truth(key)})[:12]
    assert ids, f"no parent has any {key}"
    return [path.replace("{" + key + "}", str(i)) for i in ids]


_seen: dict[tuple[int, str, str], list[Any]] = {}


def _responses(api: Api, path: str, variants: list[dict[str, Any]]) -> list[Any]:
    """Fetched once per session; the validation and completeness tests share them."""
    key = (id(api), path, repr(variants))
    if key in _seen:
        return _seen[key]
    out = _seen[key] = []
    for concrete in _fill(api, path):
        for params in variants:
            r = api.get(concrete, **params)
            assert r.status_code == 200, (concrete, params, r.status_code, r.text[:200])
            out.append(r.json())
    return out


@pytest.mark.parametrize(
    ("spec", "spec_path", "path", "variants"), CASES, ids=[c[2] for c in CASES]
)
def test_response_validates(
    api: Api, spec: str, spec_path: str, path: str, variants: list[dict[str, Any]]
) -> None:
    for body in _responses(api, path, variants):
        problems = errors(spec, spec_path, body)
        assert not problems, problems[:5]


# completeness ---------------------------------------------------------------------
def _deref(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def declared(
    doc: dict[str, Any], node: Any, prefix: str = "", seen: frozenset[int] = frozenset()
) -> set[str]:
    node = _deref(doc, node)
    if not isinstance(node, dict) or id(node) in seen:
        return set()
    seen = seen | {id(node)}
    out: set[str] = set()
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in node.get(key, []):
            out |= declared(doc, sub, prefix, seen)
    if "items" in node:
        out |= declared(doc, node["items"], prefix + "[]", seen)
    for name, sub in (node.get("properties") or {}).items():
        path = f"{prefix}.{name}"
        out.add(path)
        out |= declared(doc, sub, path, seen)
    return out


def present(value: Any, prefix: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(f"{prefix}.{k}")
            out |= present(v, f"{prefix}.{k}")
    elif isinstance(value, list):
        for v in value:
            out |= present(v, prefix + "[]")
    return out


def test_every_declared_property_is_served(api: Api) -> None:
    missing: dict[str, list[str]] = {}
    for spec, spec_path, path, variants in CASES:
        doc = load(spec)
        node: Any = doc
        for part in response_pointer(spec, spec_path).lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        want = declared(doc, node)
        got: set[str] = set()
        for body in _responses(api, path, variants):
            got |= present(body)
        if (spec, spec_path) in DATA_IS_LIST_OF:
            got = {g.replace(".data[]", ".data", 1) for g in got}
        # pagination links depend on the page, not the record: tested in test_pagination
        exempt = COMPLETENESS_EXEMPT.get((spec, spec_path))
        gaps = sorted(
            w for w in want - got if not w.startswith(".meta") and not (exempt and exempt.search(w))
        )
        if gaps:
            missing[path] = gaps
    assert not missing, missing
