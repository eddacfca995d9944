"""The committed stream schemas: up to date with the specs, valid, and shaped as users need them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tap_bigcommerce.schemas import available_schemas, load_schema
from tools.schemagen import generate as gen
from tools.schemagen.sources import STREAMS, STREAMS_BY_NAME, WIDENINGS, StreamSource

REPO_ROOT = Path(__file__).resolve().parents[1]
JSON_DIR = REPO_ROOT / "tap_bigcommerce" / "schemas" / "json"
REGENERATE = "run python -m tools.schemagen"


@pytest.fixture(scope="module")
def spec_dir() -> Path:
    env = os.environ.get(gen.SPEC_DIR_ENV)
    where = Path(env) if env else REPO_ROOT.parent / "shared" / "bigcommerce-api" / "reference"
    if not where.is_dir():
        pytest.fail(
            f"BigCommerce OpenAPI specs not found at {where} "
            f"(set {gen.SPEC_DIR_ENV} to the specs' 'reference' directory)"
        )
    return where


def _types(prop: dict[str, Any]) -> list[str]:
    t = prop.get("type", [])
    return [t] if isinstance(t, str) else list(t)


def _at(schema: dict[str, Any], path: str) -> dict[str, Any]:
    """The sub-schema at a dotted path; ``name[]`` steps into an array's items."""
    node = schema
    for seg in path.split("."):
        name = seg.removesuffix("[]")
        assert name in node.get("properties", {}), f"{path}: no {name!r}"
        node = node["properties"][name]
        if seg.endswith("[]"):
            assert "array" in _types(node), f"{path}: {name!r} is not an array"
            node = node["items"]
    return node


# --- Up to date and complete ----------------------------------------------------------------------


def test_committed_schemas_match_the_generator(spec_dir: Path, tmp_path: Path) -> None:
    assert gen.main(["--spec-dir", str(spec_dir), "--out-dir", str(tmp_path)]) == 0
    fresh = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.json")}
    committed = {p.name: p.read_text(encoding="utf-8") for p in JSON_DIR.glob("*.json")}
    problems = [f"missing: {n}" for n in sorted(fresh.keys() - committed.keys())]
    problems += [f"stale: {n}" for n in sorted(committed.keys() - fresh.keys())]
    problems += [
        f"differs: {n}" for n in sorted(fresh) if n in committed and fresh[n] != committed[n]
    ]
    assert not problems, f"committed schemas are out of date ({', '.join(problems)}); {REGENERATE}"


def test_check_mode_reports_differences(
    spec_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gen.main(["--spec-dir", str(spec_dir), "--out-dir", str(tmp_path), "--check"]) == 1
    assert REGENERATE in capsys.readouterr().err
    assert gen.main(["--spec-dir", str(spec_dir), "--out-dir", str(tmp_path)]) == 0
    assert gen.main(["--spec-dir", str(spec_dir), "--out-dir", str(tmp_path), "--check"]) == 0


def test_missing_spec_dir_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere"
    assert gen.main(["--spec-dir", str(missing), "--out-dir", str(tmp_path)]) == 2
    assert str(missing) in capsys.readouterr().err


def test_every_stream_has_a_file_and_every_file_a_stream() -> None:
    names = [s.name for s in STREAMS]
    assert len(names) == len(set(names)), "duplicate stream names in sources.STREAMS"
    files = sorted(p.stem for p in JSON_DIR.glob("*.json"))
    assert sorted(names) == files, REGENERATE
    assert available_schemas() == files


@pytest.mark.parametrize("name", sorted(STREAMS_BY_NAME))
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    text = (JSON_DIR / f"{name}.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert text == json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert schema["type"] == "object"
    assert "additionalProperties" not in schema
    assert "store_hash" not in schema["properties"] or name == "webhooks"  # the tap adds it


@pytest.mark.parametrize("name", sorted(STREAMS_BY_NAME))
def test_properties_are_nullable_except_primary_keys(name: str) -> None:
    schema = load_schema(name)
    keys = STREAMS_BY_NAME[name].primary_keys
    for prop_name, prop in schema["properties"].items():
        if prop_name in keys:
            assert "null" not in _types(prop), f"{name}.{prop_name} is a primary key"
        elif "type" in prop:
            assert "null" in _types(prop), f"{name}.{prop_name} must accept null"
    assert schema.get("required", []) == [k for k in keys]


def test_no_oas_only_keywords_remain() -> None:
    allowed = {"type", "properties", "items", "format", "description", "required"}
    for name in available_schemas():

        def walk(node: dict[str, Any], where: str, *, name: str = name) -> None:
            extra = set(node) - allowed
            assert not extra, f"{name}: {where} has {sorted(extra)}"
            assert node.get("format", "date-time") in ("date-time", "date", "x-singer.decimal")
            if node.get("format") == "x-singer.decimal":
                assert set(_types(node)) == {"string", "null"}, f"{name}: {where}"
            for key, sub in node.get("properties", {}).items():
                walk(sub, f"{where}.{key}")
            if "items" in node:
                walk(node["items"], f"{where}[]")

        walk(load_schema(name), "")


# --- What users need --------------------------------------------------------------------------


def test_orders_shape() -> None:
    orders = load_schema("orders")
    assert orders["properties"]["id"]["type"] == "integer"
    for field in ("date_created", "date_modified", "date_shipped"):
        assert orders["properties"][field]["format"] == "date-time"
        assert "null" in _types(orders["properties"][field])
    option = _at(orders, "consignments.shipping[].line_items[].product_options[]")
    assert set(option["properties"]) >= {"value", "display_value", "display_name"}
    assert _types(option["properties"]["value"]) == ["string", "null"]
    line_item = _at(orders, "consignments.shipping[].line_items[]")
    assert {"id", "order_id", "product_id", "variant_id", "sku", "quantity"} <= set(
        line_item["properties"]
    )
    for group in ("pickups[]", "downloads[]", "email.gift_certificates[]"):
        assert "product_options" in _at(orders, f"consignments.{group}.line_items[]")["properties"]
    # v2 money fields come as decimal strings.
    assert _types(orders["properties"]["total_inc_tax"]) == ["string", "null"]


def test_catalog_and_customer_includes() -> None:
    products = load_schema("products")
    for include in ("variants", "images", "custom_fields", "bulk_pricing_rules", "videos"):
        assert "array" in _types(products["properties"][include]), include
    assert "sku" in _at(products, "variants[]")["properties"]
    assert products["properties"]["date_modified"]["format"] == "date-time"
    customers = load_schema("customers")
    for include in ("addresses", "attributes", "form_fields", "store_credit_amounts"):
        assert "array" in _types(customers["properties"][include]), include
    assert "address1" in _at(customers, "addresses[]")["properties"]
    assert customers["properties"]["date_modified"]["format"] == "date-time"


def test_widenings_are_applied() -> None:
    assert WIDENINGS, "the widenings table is empty"
    for w in WIDENINGS:
        assert w.why.strip(), f"widening {w.at} has no reason"
        for stream in w.streams:
            assert stream in STREAMS_BY_NAME, f"widening names unknown stream {stream}"
            if w.kind == "drop":
                parent, _, last = w.at.rpartition(".")
                holder = _at(load_schema(stream), parent) if parent else load_schema(stream)
                assert last not in holder["properties"], f"{stream}.{w.at} should be dropped"
                continue
            node = _at(load_schema(stream), w.at)
            types = [t for t in _types(node) if t != "null"]
            expected = {
                "date-time": ["string"],
                "string": ["string"],
                "form-field-value": ["array", "string", "number"],
                "add-integer": ["integer"],
                "add-number": ["number"],
                "add-string": ["string"],
            }[w.kind]
            assert types == expected, f"{stream}.{w.at}: {types}"
            if w.kind == "date-time":
                assert node["format"] == "date-time"


def test_v2_dates_are_only_the_listed_ones() -> None:
    listed = {(s, w.at) for w in WIDENINGS if w.kind == "date-time" for s in w.streams}
    for source in STREAMS:
        if source.api_version != 2:
            continue
        schema = load_schema(source.name)

        def walk(node: dict[str, Any], path: str, *, stream: str = source.name) -> None:
            if node.get("format", "x-singer.decimal") != "x-singer.decimal":
                assert (stream, path) in listed, f"{stream}.{path}: unlisted v2 date format"
            for key, sub in node.get("properties", {}).items():
                walk(sub, f"{path}.{key}" if path else key)
            if "items" in node:
                walk(node["items"], f"{path}[]")

        walk(schema, "")


def test_child_records_declare_their_parent_key() -> None:
    parents = {
        "order_products": "order_id",
        "order_shipping_addresses": "order_id",
        "order_coupons": "order_id",
        "order_shipments": "order_id",
        "order_taxes": "order_id",
        "order_consignments": "order_id",
        "order_messages": "order_id",
        "order_refunds": "order_id",
        "product_variants": "product_id",
        "product_images": "product_id",
        "product_videos": "product_id",
        "product_custom_fields": "product_id",
        "product_bulk_pricing_rules": "product_id",
        "product_options": "product_id",
        "product_modifiers": "product_id",
        "product_reviews": "product_id",
        "customer_addresses": "customer_id",
        "promotion_codes": "promotion_id",
        "channel_listings": "channel_id",
        "price_list_records": "price_list_id",
        "tree_categories": "tree_id",
    }
    for stream, key in parents.items():
        assert key in load_schema(stream)["properties"], f"{stream} lacks {key}"


def test_a_realistic_order_validates() -> None:
    """An order as BigCommerce sends it, after the tap's date rewrite, with undeclared nulls."""
    order = {
        "id": 100,
        "customer_id": 0,
        "date_created": "2024-01-02T03:04:05+00:00",
        "date_modified": "2024-01-02T03:04:05+00:00",
        "date_shipped": None,
        "status_id": 11,
        "total_inc_tax": "12.5000",
        "billing_address": {"first_name": None, "form_fields": [{"name": "n", "value": "x"}]},
        "coupons": {"url": "https://x", "resource": "/orders/100/coupons"},
        "consignments": {
            "shipping": [
                {
                    "id": 1,
                    "line_items": [
                        {
                            "id": 5,
                            "order_id": 100,
                            "product_options": [{"value": "12", "display_value": "12"}],
                        }
                    ],
                }
            ],
            "pickups": [],
            "downloads": [],
            "email": {"gift_certificates": []},
        },
        "something_new": {"a": 1},
    }
    validator = jsonschema.Draft202012Validator(
        load_schema("orders"), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert not list(validator.iter_errors(order))
    assert list(validator.iter_errors({**order, "id": None})), "id must not be null"


# --- Loader ---------------------------------------------------------------------------------------


def test_load_schema_returns_independent_copies() -> None:
    first = load_schema("orders")
    first["properties"]["store_hash"] = {"type": "string"}
    first["properties"]["id"]["type"] = "string"
    second = load_schema("orders")
    assert "store_hash" not in second["properties"]
    assert second["properties"]["id"]["type"] == "integer"


def test_load_schema_unknown_stream() -> None:
    with pytest.raises(KeyError, match="no schema for stream"):
        load_schema("no_such_stream")


# --- Translation rules, on a small synthetic spec ------------------------------------------------


SYNTHETIC = """
openapi: 3.0.3
paths:
  /things:
    get:
      responses:
        '200':
          $ref: '#/components/responses/Things'
components:
  responses:
    Things:
      description: ok
      content:
        application/json:
          schema:
            type: object
            properties:
              data:
                type: array
                items:
                  $ref: '#/components/schemas/Thing'
  schemas:
    Thing:
      allOf:
        - type: object
          required: [id]
          properties:
            id: {type: integer, readOnly: true, example: 1}
            status: {type: string, enum: [a, b], x-internal: true}
        - $ref: 'other.yml#/components/schemas/Extra'
        - type: object
          properties:
            parent: {$ref: '#/components/schemas/Thing'}
            when: {type: string, format: date-time, nullable: true}
            email: {type: string, format: email}
            amount:
              oneOf: [{type: number}, {type: string}]
            shape:
              anyOf:
                - {type: object, properties: {w: {type: integer}}}
                - {type: object, properties: {h: {type: integer}}}
            note:
              description: |
                Multi-line
                   description.
              type: string
"""

OTHER = """
components:
  schemas:
    Extra:
      type: object
      properties:
        extra: {type: boolean, deprecated: true}
"""


def test_translation_rules(tmp_path: Path) -> None:
    (tmp_path / "things.v3.yml").write_text(SYNTHETIC, encoding="utf-8")
    (tmp_path / "other.yml").write_text(OTHER, encoding="utf-8")
    source = StreamSource("synthetic_things", "things.v3.yml", "/things")
    schema = gen.build(gen.Specs(tmp_path), source)
    jsonschema.Draft202012Validator.check_schema(schema)
    props = schema["properties"]
    assert props["id"] == {"type": "integer"}
    assert props["status"] == {"type": ["string", "null"]}  # enum and x-* dropped
    assert props["extra"] == {"type": ["boolean", "null"]}  # relative-file $ref
    assert props["when"] == {"type": ["string", "null"], "format": "date-time"}
    assert props["email"] == {"type": ["string", "null"]}
    # string-or-number collapses to string: one type per column (the tap sends numbers as text)
    assert props["amount"] == {"type": ["string", "null"]}
    assert props["shape"]["type"] == ["object", "null"]
    assert set(props["shape"]["properties"]) == {"w", "h"}
    assert props["note"]["description"] == "Multi-line description."
    # The recursive reference is cut where it would repeat, with an open object.
    assert props["parent"] == {"type": ["object", "null"]}
    assert schema["required"] == ["id"]


def test_descriptions_only_at_the_top() -> None:
    orders = load_schema("orders")
    assert orders["properties"]["id"]["description"]
    for prop in orders["properties"].values():
        for sub in prop.get("properties", {}).values():
            assert "description" not in sub
        for sub in prop.get("items", {}).get("properties", {}).values():
            assert "description" not in sub


def test_money_is_decimal_text_and_ids_stay_text() -> None:
    """Decimal strings carry x-singer.decimal, which SQL targets load as numeric columns."""
    decimal = {"type": ["string", "null"], "format": "x-singer.decimal"}

    def declared(stream: str, path: str) -> dict[str, Any]:
        prop = dict(_at(load_schema(stream), path))
        prop.pop("description", None)
        return prop

    for stream, path in [
        ("orders", "total_inc_tax"),
        ("orders", "subtotal_ex_tax"),
        ("orders", "currency_exchange_rate"),
        ("orders", "consignments.shipping[].cost_inc_tax"),
        ("order_products", "price_inc_tax"),
        ("order_products", "base_price"),
        ("order_shipping_addresses", "cost_ex_tax"),
        ("order_taxes", "rate"),
        ("order_coupons", "amount"),
        ("currencies", "currency_exchange_rate"),
        ("product_bulk_pricing_rules", "amount"),
    ]:
        assert declared(stream, path) == decimal, (stream, path)
    # An id the spec allows as a string or a number is not a quantity.
    assert declared("orders", "payment_provider_id") == {"type": ["string", "null"]}
    assert declared("orders", "customer_message") == {"type": ["string", "null"]}
