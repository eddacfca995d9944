"""Response-schema validation against the official BigCommerce OpenAPI documents.

All documents used here, including ``orders.v2.oas2.yml`` despite its name, declare
``openapi: 3.0.x``, so every response is checked with the OAS 3.0 validator
(``nullable`` aware); ``$ref``s resolve inside the YAML document via ``referencing``.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_DIR = Path(
    os.environ.get(
        "BIGCOMMERCE_SPEC_DIR",
        Path(__file__).resolve().parents[3] / "shared" / "bigcommerce-api" / "reference",
    )
)

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

# ---------------------------------------------------------------------------------
# The one place where the official spec is knowingly overruled, each with its reason.
#
# 1. orders.v2: ``consignments`` and every consignment's ``line_items`` are declared
#    ``oneOf: [link form, expanded form]``, but neither branch has required properties
#    or ``additionalProperties: false``, so every value matches both branches and a
#    strict ``oneOf`` rejects all real responses. Validated as ``anyOf`` instead.
# 2. catalog: ``GET /catalog/products/{id}/bulk-pricing-rules`` declares ``data`` as a
#    single object, but the endpoint is a list (like every sibling sub-resource) and
#    returns an array; each array item is validated against the declared object.
#    customers.v2: a customer group's ``discount_rules`` is the same defect: a ``oneOf``
#    of four array shapes without required properties, which every list (even ``[]``)
#    matches more than once.
# 3. promotions: a rule's discount, its item matchers and its condition, and the
#    customer segments, are each a ``oneOf`` (fixed or percentage; brands, categories,
#    products, variants, options or custom fields; one cart condition or a list of them),
#    and the matchers are a hand-unrolled recursive tree (and/or/not of the next level).
#    A record can take one alternative per ``oneOf``, so completeness is not required
#    below those points (``COMPLETENESS_EXEMPT``); validation still is. The tap's schema
#    keeps the nested matcher levels as open objects.
# ---------------------------------------------------------------------------------
ONEOF_AS_ANYOF = {
    "orders.v2.oas2.yml": ("consignments", "line_items"),
    "customers.v2.yml": ("discount_rules",),
}
COMPLETENESS_EXEMPT = {
    ("promotions.v3.yml", "/promotions"): re.compile(
        r"^\.data\[\]\.(rules\[\]\.(action|condition)\.|customer\.segments\.|shipping_address\.not)"
    ),
}
DATA_IS_LIST_OF = {
    ("catalog/products_catalog.v3.yml", "/catalog/products/{product_id}/bulk-pricing-rules")
}


def _relax(node: Any, keys: tuple[str, ...], parent_key: str | None = None) -> None:
    if isinstance(node, dict):
        if parent_key in keys and "oneOf" in node:
            node["anyOf"] = node.pop("oneOf")
        for k, v in node.items():
            _relax(v, keys, k)
    elif isinstance(node, list):
        for v in node:
            _relax(v, keys, parent_key)


@functools.cache
def load(name: str) -> dict[str, Any]:
    with (SPEC_DIR / name).open(encoding="utf-8") as fh:
        doc: dict[str, Any] = yaml.load(fh, Loader=_Loader)  # noqa: S506 - safe loaders only
    if name in ONEOF_AS_ANYOF:
        _relax(doc, ONEOF_AS_ANYOF[name])
    return doc


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _follow(doc: dict[str, Any], pointer: str) -> tuple[Any, str]:
    node: Any = doc
    for part in pointer.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    if isinstance(node, dict) and "$ref" in node and len(node) == 1:
        return _follow(doc, node["$ref"])
    return node, pointer


def response_pointer(name: str, path: str, status: str = "200") -> str:
    doc = load(name)
    pointer = f"#/paths/{_escape(path)}/get/responses/{status}"
    node, pointer = _follow(doc, pointer)
    if "content" in node:
        return f"{pointer}/content/application~1json/schema"
    return f"{pointer}/schema"


@functools.cache
def validator(name: str, path: str, status: str = "200") -> OAS30Validator:
    doc = load(name)
    uri = f"urn:bigcommerce:{name}"
    registry: Registry[Any] = Registry().with_resource(
        uri, Resource.from_contents(doc, default_specification=DRAFT4)
    )
    return OAS30Validator({"$ref": uri + response_pointer(name, path, status)}, registry=registry)


def errors(name: str, path: str, instance: Any) -> list[str]:
    v = validator(name, path)
    if (name, path) in DATA_IS_LIST_OF and isinstance(instance, dict):
        units = [{**instance, "data": item} for item in instance.get("data", [])]
    else:
        units = [instance]
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
        for unit in units
        for e in v.iter_errors(unit)
    ]


def schema(name: str, path: str) -> Any:
    node, _ = _follow(load(name), response_pointer(name, path))
    return node
