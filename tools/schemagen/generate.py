"""Generate the committed stream schemas from BigCommerce's OpenAPI specs (a development tool).

Usage::

    python -m tools.schemagen [--spec-dir DIR] [--out-dir DIR] [--check]

``--spec-dir`` defaults to ``$BIGCOMMERCE_SPEC_DIR``, else
``<repo>/../shared/bigcommerce-api/reference``.
``--check`` writes nothing and exits 1 when a committed file differs from what would be generated.

What the translation does, in order:

1. find the record schema (``sources.STREAMS``): the GET list operation's 200 body, followed by a
   JSON pointer, or a named component;
2. normalise it: resolve ``$ref`` (local and relative-file), merge ``allOf`` (union of properties,
   combined ``required``), fold ``anyOf``/``oneOf`` into one schema (objects merge their properties,
   scalars become a type list), turn OAS ``nullable``/``x-nullable`` into a ``"null"`` type, keep
   ``format`` only for ``date-time`` and ``date``, mark decimal text ``x-singer.decimal``
   (``decimals``), drop every other keyword (enums included: real stores send values outside
   them), cut recursive references with an object without properties;
3. apply the stream's grafts and the ``sources.WIDENINGS`` table;
4. emit Singer-friendly JSON Schema: every property nullable except the stream's primary keys,
   ``additionalProperties`` left open, descriptions (one line) only on top-level properties;
5. give each embedded child stream and its parent one declaration of the records they share
   (``share_embedded``).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from tap_bigcommerce.schemas.embeddings import EMBEDDINGS, Embedding
from tools.schemagen.decimals import (
    DECIMAL_FORMAT,
    is_decimal_text,
    merges_decimal,
    mixes_text_and_numbers,
)
from tools.schemagen.sources import STREAMS, WIDENINGS, Graft, StreamSource, Widening

Schema = dict[str, Any]

JSON_DIR = Path(__file__).resolve().parents[2] / "tap_bigcommerce" / "schemas" / "json"
SPEC_DIR_ENV = "BIGCOMMERCE_SPEC_DIR"

# Formats a Singer target can use to type a column and that BigCommerce's values satisfy. Others
# are dropped: ``email`` and ``uri`` fields hold empty strings and relative paths in real stores,
# and the OAS numeric formats (int32, double, ...) are not JSON Schema formats.
KEPT_FORMATS = frozenset({"date-time", "date"})
V2_DROPPED_FORMATS = frozenset({"date-time", "date"})
# The C loader when PyYAML was built with libyaml (several times faster on these specs); both are
# safe loaders.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TYPE_ORDER = ("object", "array", "string", "number", "integer", "boolean", "null")
MAX_DESCRIPTION = 300


class GenerationError(Exception):
    """The specs do not contain what ``sources.py`` says they contain."""


def default_spec_dir() -> Path:
    """``$BIGCOMMERCE_SPEC_DIR``, else ``<repo root>/../shared/bigcommerce-api/reference``."""
    env = os.environ.get(SPEC_DIR_ENV)
    if env:
        return Path(env)
    repo_root = Path(__file__).resolve().parents[2]
    return repo_root.parent / "shared" / "bigcommerce-api" / "reference"


# --------------------------------------------------------------------------------------------------
# Loading specs and resolving references


class Specs:
    """Loads spec documents once and resolves ``$ref`` against them."""

    def __init__(self, spec_dir: Path) -> None:
        self.spec_dir = spec_dir.resolve()
        self._docs: dict[Path, Any] = {}

    def doc(self, path: Path) -> Any:
        path = path.resolve()
        if path not in self._docs:
            try:
                with path.open(encoding="utf-8") as fh:
                    self._docs[path] = yaml.load(fh, Loader=_LOADER)  # noqa: S506
            except FileNotFoundError as exc:
                raise GenerationError(f"spec file not found: {path}") from exc
        return self._docs[path]

    def resolve(self, ref: str, base: Path) -> tuple[Any, Path, str]:
        """Return (target, file it lives in, canonical key) for ``ref`` seen in ``base``."""
        file_part, _, pointer = ref.partition("#")
        target_file = (base.parent / file_part).resolve() if file_part else base.resolve()
        node = self.doc(target_file)
        for token in [t for t in pointer.split("/") if t != ""]:
            token = unquote(token).replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(token)] if isinstance(node, list) else node[token]
            except (KeyError, IndexError, ValueError, TypeError) as exc:
                raise GenerationError(f"unresolvable $ref {ref!r} in {base}") from exc
        return node, target_file, f"{target_file}#{pointer}"

    def deref(self, node: Any, base: Path) -> tuple[Any, Path]:
        """Follow ``$ref`` chains (for responses and other non-schema objects)."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and "$ref" in node:
            node, base, key = self.resolve(node["$ref"], base)
            if key in seen:
                raise GenerationError(f"reference loop at {key}")
            seen.add(key)
        return node, base


# --------------------------------------------------------------------------------------------------
# Normalisation: OAS schema -> JSON Schema subset (type, properties, items, format, description)


def _types_of(schema: Schema) -> list[str] | None:
    """The schema's types as a list, or None when it accepts anything."""
    t = schema.get("type")
    if t is None:
        return None
    return [t] if isinstance(t, str) else list(t)


def _set_types(schema: Schema, types: Iterable[str]) -> None:
    ordered = sorted(set(types), key=TYPE_ORDER.index)
    schema["type"] = ordered[0] if len(ordered) == 1 else ordered


def _one_line(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    line = re.sub(r"\s+", " ", text).strip()
    if not line:
        return None
    if len(line) > MAX_DESCRIPTION:
        cut = line[:MAX_DESCRIPTION]
        end = cut.rfind(". ")
        line = cut[: end + 1] if end > 40 else cut.rstrip() + "..."
    return line


class Normaliser:
    """Turns OAS schema objects into the JSON Schema subset the generator emits."""

    def __init__(self, specs: Specs) -> None:
        self.specs = specs

    def normalise(self, node: Any, base: Path, stack: tuple[str, ...] = ()) -> Schema:
        if not isinstance(node, Mapping):
            return {}
        if "$ref" in node:
            target, file, key = self.specs.resolve(node["$ref"], base)
            if key in stack:
                # A recursive structure: stop here with an object that accepts anything.
                return {"type": "object"}
            return self.normalise(target, file, (*stack, key))

        parts: list[Schema] = []
        combined = any(k in node for k in ("allOf", "oneOf", "anyOf"))
        own = self._own(node, base, stack, infer=not combined)
        if own:
            parts.append(own)
        for sub in node.get("allOf") or []:
            parts.append(self.normalise(sub, base, stack))
        result = merge_all_of(parts) if len(parts) != 1 else parts[0]

        for keyword in ("oneOf", "anyOf"):
            alternatives = node.get(keyword)
            if alternatives:
                alt = union([self.normalise(sub, base, stack) for sub in alternatives])
                result = merge_all_of([result, alt]) if result else alt

        if (
            "format" not in result
            and mixes_text_and_numbers(_types_of(result) or [])
            and is_decimal_text(node)
        ):
            result["format"] = DECIMAL_FORMAT
        if "type" not in result and "properties" in result:
            result["type"] = "object"
        elif "type" not in result and "items" in result:
            result["type"] = "array"
        if (node.get("nullable") is True or node.get("x-nullable") is True) and _types_of(result):
            _set_types(result, [*(_types_of(result) or []), "null"])
        # The node's own description wins over one inherited from a referenced component.
        desc = _one_line(node.get("description"))
        if desc:
            result["description"] = desc
        return result

    def _own(
        self, node: Mapping[str, Any], base: Path, stack: tuple[str, ...], *, infer: bool
    ) -> Schema:
        """The schema's own keywords (without allOf/anyOf/oneOf).

        ``infer``: give a type-less schema the type its ``properties``/``items`` imply. Not done
        beside a combinator, where a stray ``items`` must not narrow the alternatives.
        """
        out: Schema = {}
        t = node.get("type")
        if isinstance(t, str):
            out["type"] = t
        elif isinstance(t, list):
            _set_types(out, [x for x in t if x in TYPE_ORDER])
        if isinstance(node.get("properties"), Mapping):
            out["properties"] = {
                name: self.normalise(sub, base, stack) for name, sub in node["properties"].items()
            }
            if infer:
                out.setdefault("type", "object")
        if isinstance(node.get("items"), Mapping):
            out["items"] = self.normalise(node["items"], base, stack)
            if infer:
                out.setdefault("type", "array")
        if isinstance(node.get("required"), list):
            out["required"] = [r for r in node["required"] if isinstance(r, str)]
        fmt = node.get("format")
        if isinstance(fmt, str) and fmt in KEPT_FORMATS:
            out["format"] = fmt
        elif _types_of(out) == ["string"] and is_decimal_text(node):
            out["format"] = DECIMAL_FORMAT
        if infer and "type" not in out and isinstance(node.get("additionalProperties"), Mapping):
            out["type"] = "object"
        return out


def merge_all_of(parts: list[Schema]) -> Schema:
    """``allOf``: union of properties (merged where they overlap), combined ``required``."""
    parts = [p for p in parts if p]
    if not parts:
        return {}
    result: Schema = {}
    typed = [t for p in parts if (t := _types_of(p)) is not None]
    if typed:
        # Parts that declare no type only contribute constraints; intersect the declared ones, or
        # fall back to their union when they disagree (the specs are sometimes inconsistent).
        common = set(typed[0]).intersection(*typed[1:])
        _set_types(result, common or {t for ts in typed for t in ts})
    props: dict[str, Schema] = {}
    for p in parts:
        for name, sub in (p.get("properties") or {}).items():
            props[name] = merge_all_of([props[name], sub]) if name in props else sub
    if props:
        result["properties"] = props
    items = [p["items"] for p in parts if "items" in p]
    if items:
        result["items"] = merge_all_of(items)
    required = sorted({r for p in parts for r in p.get("required", [])})
    if required:
        result["required"] = required
    formats = {p["format"] for p in parts if "format" in p}
    if len(formats) == 1:
        result["format"] = formats.pop()
    for p in parts:
        if "description" in p:
            result["description"] = p["description"]
    return result


def union(alternatives: list[Schema]) -> Schema:
    """``anyOf``/``oneOf``: one schema accepting what any alternative accepts.

    Objects merge their properties, arrays union their items, scalars become a type list. An
    alternative without a type makes the result accept anything.
    """
    if not alternatives:
        return {}
    all_types: set[str] = set()
    for alt in alternatives:
        ts = _types_of(alt)
        if ts is None:
            return {k: v for k, v in alternatives[0].items() if k == "description"}
        all_types.update(ts)
    result: Schema = {}
    _set_types(result, all_types)
    props: dict[str, Schema] = {}
    for alt in alternatives:
        for name, sub in (alt.get("properties") or {}).items():
            props[name] = union([props[name], sub]) if name in props else sub
    if props:
        result["properties"] = props
    items = [alt["items"] for alt in alternatives if "items" in alt]
    if items:
        result["items"] = union(items)
    string_alts = [a for a in alternatives if "string" in (_types_of(a) or [])]
    formats = {a.get("format") for a in string_alts}
    if len(formats) == 1 and None not in formats:
        result["format"] = formats.pop()
    descriptions = [a["description"] for a in alternatives if "description" in a]
    if descriptions:
        result["description"] = descriptions[0]
    return result


# --------------------------------------------------------------------------------------------------
# Locating a stream's record schema


def _json_media(content: Mapping[str, Any]) -> Any:
    for media, body in content.items():
        if "json" in media:
            return body
    return None


def response_schema(specs: Specs, source: StreamSource) -> tuple[Any, Path]:
    """The raw 200 response body schema of ``source.path`` (OAS 3 or Swagger 2)."""
    file = specs.spec_dir / source.spec
    doc = specs.doc(file)
    try:
        operation = doc["paths"][source.path]["get"]
    except (KeyError, TypeError) as exc:
        raise GenerationError(f"{source.spec}: no GET {source.path}") from exc
    responses = operation.get("responses") or {}
    response = responses.get("200", responses.get(200))
    if response is None:
        raise GenerationError(f"{source.spec}: GET {source.path} declares no 200 response")
    response, rfile = specs.deref(response, file)
    if "schema" in response:  # Swagger 2.0
        return response["schema"], rfile
    body = _json_media(response.get("content") or {})
    if not body or "schema" not in body:
        raise GenerationError(f"{source.spec}: GET {source.path} 200 has no JSON body schema")
    return body["schema"], rfile


def component_schema(specs: Specs, spec: str, name: str) -> tuple[Any, Path]:
    file = specs.spec_dir / spec
    doc = specs.doc(file)
    schemas = (doc.get("components") or {}).get("schemas") or doc.get("definitions") or {}
    if name not in schemas:
        raise GenerationError(f"{spec}: no component schema {name!r}")
    return schemas[name], file


def follow_pointer(schema: Schema, pointer: str, where: str) -> Schema:
    node: Any = schema
    for raw in [t for t in pointer.split("/") if t]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or token not in node:
            raise GenerationError(f"{where}: pointer {pointer!r} fails at {token!r}")
        node = node[token]
    if not isinstance(node, dict):
        raise GenerationError(f"{where}: pointer {pointer!r} is not a schema")
    return node


# --------------------------------------------------------------------------------------------------
# Grafts and widenings


def _walk_path(schema: Schema, at: str, where: str) -> tuple[Schema, str]:
    """Return (the object schema holding the last property of ``at``, that property's name)."""
    segments = at.split(".")
    node = schema
    for seg in segments[:-1]:
        name, array = (seg[:-2], True) if seg.endswith("[]") else (seg, False)
        props = node.get("properties")
        if not props or name not in props:
            raise GenerationError(f"{where}: no property {name!r} on the way to {at!r}")
        node = props[name]
        if array:
            if "items" not in node:
                raise GenerationError(f"{where}: {name!r} is not an array (path {at!r})")
            node = node["items"]
    return node, segments[-1]


def apply_graft(schema: Schema, graft: Graft, replacement: Schema, where: str) -> None:
    holder, last = _walk_path(schema, graft.at, where)
    new = {"type": "array", "items": replacement} if graft.array else replacement
    old = (holder.get("properties") or {}).get(last, {})
    if "description" in old:
        new = {**new, "description": old["description"]}
    holder.setdefault("properties", {})[last] = new


def apply_widening(schema: Schema, widening: Widening, where: str) -> None:
    at = widening.at[:-2] if widening.at.endswith("[]") else widening.at
    holder, last = _walk_path(schema, at, where)
    props = holder.setdefault("properties", {})
    if widening.kind.startswith("add-"):
        if last in props:
            raise GenerationError(f"{where}: {at!r} already exists; drop the widening")
        props[last] = {"type": widening.kind.removeprefix("add-")}
        return
    if last not in props:
        raise GenerationError(f"{where}: widening target {at!r} does not exist in the spec")
    if widening.kind == "drop":
        del props[last]
        return
    prop = props[last]
    target = prop["items"] if widening.at.endswith("[]") else prop
    description = target.get("description")
    target.clear()
    if widening.kind == "date-time":
        target.update({"type": "string", "format": "date-time"})
    elif widening.kind == "string":
        target["type"] = "string"
    elif widening.kind == "form-field-value":
        target.update({"type": ["array", "number", "string"], "items": {}})
    if description:
        target["description"] = description


def make_opaque(schema: Schema, at: str, where: str) -> None:
    """Replace the sub-schema at ``at`` with an object that declares no properties."""
    items = at.endswith("[]")
    holder, last = _walk_path(schema, at[:-2] if items else at, where)
    prop = (holder.get("properties") or {}).get(last)
    if prop is None or (items and "items" not in prop):
        raise GenerationError(f"{where}: opaque path {at!r} does not exist")
    target = prop["items"] if items else prop
    description = target.get("description")
    target.clear()
    target["type"] = "object"
    if description:
        target["description"] = description


def drop_formats(schema: Any, formats: frozenset[str]) -> None:
    if isinstance(schema, dict):
        if schema.get("format") in formats:
            del schema["format"]
        for key in ("properties",):
            for sub in (schema.get(key) or {}).values():
                drop_formats(sub, formats)
        if "items" in schema:
            drop_formats(schema["items"], formats)


# --------------------------------------------------------------------------------------------------
# Emitting Singer-friendly JSON Schema


def _nullable(schema: Schema) -> Schema:
    ts = _types_of(schema)
    if ts is None:
        return schema
    out = dict(schema)
    _set_types(out, [*ts, "null"])
    return out


def _non_null(schema: Schema) -> Schema:
    ts = _types_of(schema)
    if ts is None or "null" not in ts or ts == ["null"]:
        return schema
    out = dict(schema)
    _set_types(out, [t for t in ts if t != "null"])
    return out


def _one_scalar_type(types: Any) -> Any:
    """A declared string-or-number becomes string.

    The specs declare some decimals as ``anyOf`` string/number (v2 sends money as
    strings). A column that mixes types loads badly into warehouses and fails the
    SDK's numeric checks; text loses no digit, and the tap sends a number found in
    such a field as its JSON text (``records.FieldPlan``). Where the spec documents a
    decimal, the text carries ``x-singer.decimal`` and loads as a numeric column.
    """
    if not isinstance(types, list) or "string" not in types or {"object", "array"} & set(types):
        return types
    return [t for t in types if t not in ("number", "integer")]


def finish(schema: Schema, *, top: bool, keys: tuple[str, ...] = ()) -> Schema:
    """Final shape: nullable properties, no ``required`` below the top, descriptions on top only."""
    out: Schema = {}
    for k in ("type", "format"):
        if k in schema:
            out[k] = schema[k]
    if "type" in out:
        out["type"] = _one_scalar_type(out["type"])
        if out["type"] == ["string"]:
            out["type"] = "string"
    # An object the spec declares without properties (`value_data`, `headers`) holds keys
    # of its own: left open (no `properties`), so neither the tap nor the SDK drops them.
    if schema.get("properties") or (top and "properties" in schema):
        props = {}
        for name, sub in schema["properties"].items():
            child = finish(sub, top=False)
            if top and "description" in sub:
                child["description"] = sub["description"]
            props[name] = _non_null(child) if top and name in keys else _nullable(child)
        out["properties"] = props
    if "items" in schema:
        out["items"] = finish(schema["items"], top=False)
    if top:
        out["type"] = "object"
        present = [k for k in keys if k in out.get("properties", {})]
        if present:
            out["required"] = present
    return out


def build(specs: Specs, source: StreamSource) -> Schema:
    """The finished schema for one stream."""
    norm = Normaliser(specs)
    where = f"{source.name} ({source.spec})"
    if source.component:
        raw, file = component_schema(specs, source.spec, source.component)
        record = norm.normalise(raw, file)
        record = follow_pointer(record, source.pointer, where) if source.pointer else record
    else:
        raw, file = response_schema(specs, source)
        record = follow_pointer(norm.normalise(raw, file), source.pointer, where)
    record = copy.deepcopy(record)
    if _types_of(record) not in (["object"], None) or "properties" not in record:
        raise GenerationError(f"{where}: record schema is not an object with properties")
    for graft in source.grafts:
        raw_c, file_c = component_schema(specs, source.spec, graft.component)
        apply_graft(record, graft, copy.deepcopy(norm.normalise(raw_c, file_c)), where)
    for at in source.opaque:
        make_opaque(record, at, where)
    if source.api_version == 2:
        drop_formats(record, V2_DROPPED_FORMATS)
    for widening in WIDENINGS:
        if source.name in widening.streams:
            apply_widening(record, widening, where)
    missing = [k for k in source.primary_keys if k not in record["properties"]]
    if missing:
        raise GenerationError(f"{where}: primary key(s) {missing} not in the schema")
    return finish(record, top=True, keys=source.primary_keys)


# --------------------------------------------------------------------------------------------------
# Embedded children: one declaration for the records a parent and its child share


def _merged_property(kept: Schema, other: Schema) -> Schema:
    """One declaration accepting what either does: properties united, types united.

    A string on either side makes the field text (``_one_scalar_type``), as a declared
    string-or-number does; a ``format`` on either side of a text field is kept, and a
    string against a ``number`` is decimal text (``decimals.merges_decimal``).
    """
    types_a, types_b = _types_of(kept), _types_of(other)
    if types_a is None or types_b is None:
        return {k: v for k, v in kept.items() if k == "description"}
    merged: Schema = {}
    _set_types(merged, [*types_a, *types_b])
    _set_types(merged, _one_scalar_type(_types_of(merged)))
    formats = {s["format"] for s in (kept, other) if "format" in s}
    if not formats and merges_decimal(types_a, types_b):
        formats = {DECIMAL_FORMAT}
    if len(formats) == 1 and set(_types_of(merged) or []) <= {"string", "null"}:
        merged["format"] = formats.pop()
    if "properties" in kept or "properties" in other:
        merged["properties"] = _merged_properties(
            kept.get("properties") or {}, other.get("properties") or {}, descriptions=False
        )
    if "items" in kept and "items" in other:
        merged["items"] = _merged_property(kept["items"], other["items"])
    elif "items" in kept or "items" in other:
        merged["items"] = copy.deepcopy(kept.get("items", other.get("items")))
    if "description" in kept:
        merged["description"] = kept["description"]
    return merged


def _merged_properties(
    kept: Mapping[str, Schema], other: Mapping[str, Schema], *, descriptions: bool
) -> dict[str, Schema]:
    merged: dict[str, Schema] = {}
    for name in [*kept, *(n for n in other if n not in kept)]:
        if name in kept and name in other:
            merged[name] = _merged_property(kept[name], other[name])
        else:
            merged[name] = copy.deepcopy(kept.get(name) or other[name])
            if not descriptions:
                merged[name].pop("description", None)
    return merged


def _embedded_positions(parent: Schema, path: str, where: str) -> Schema:
    """The schema of the records found at ``path`` (dotted names, arrays stepped into)."""
    node = parent
    for name in path.split("."):
        prop = (node.get("properties") or {}).get(name)
        if prop is None:
            raise GenerationError(f"{where}: {path!r} is not in the parent's schema")
        node = prop["items"] if "array" in (_types_of(prop) or []) else prop
    if "properties" not in node:
        raise GenerationError(f"{where}: {path!r} holds no records with properties")
    return node


def share_embedded(schemas: dict[str, Schema], embedding: Embedding) -> None:
    """Make a child stream and its parent declare the records they share alike.

    An embedded child's records are the objects at ``embedding.at`` in its parent's
    records. Both specs describe them, not always alike (a field one of them omits,
    money as a number in one and a decimal string in the other). Declared once, the
    same value has the same type in both tables, neither stream drops a field the
    other keeps, and the tap can conform such a page once for both (``decoding``).
    Fields only the child declares at its top level are the keys the tap adds (the
    parent's id); the parent's ``left_out`` fields are the ones the child omits, and
    ``converted`` fields keep each stream's own declaration (the child rewrites them).
    """
    parent, child = schemas[embedding.parent], schemas[embedding.child]
    where = f"{embedding.child} in {embedding.parent}"
    positions = [_embedded_positions(parent, at, where) for at in embedding.at]
    child_props: dict[str, Schema] = child["properties"]
    own = embedding.converted
    added = {
        n: p
        for n, p in child_props.items()
        if n in own or all(n not in p2["properties"] for p2 in positions)
    }
    shared: dict[str, Schema] = {n: p for n, p in child_props.items() if n not in added}
    for position in positions:
        theirs = {
            n: p for n, p in position["properties"].items() if n not in embedding.left_out | own
        }
        shared = _merged_properties(shared, theirs, descriptions=True)
    required = set(child.get("required", []))
    child["properties"] = {
        **{n: _non_null(p) if n in required else _nullable(p) for n, p in shared.items()},
        **added,
    }
    for position in positions:
        left_out = {
            n: p for n, p in position["properties"].items() if n in embedding.left_out | own
        }
        position["properties"] = {
            **{
                n: _nullable({k: v for k, v in p.items() if k != "description"})
                for n, p in shared.items()
            },
            **left_out,
        }


def dumps(schema: Schema) -> str:
    """The committed file format: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate(spec_dir: Path) -> dict[str, str]:
    """File name -> content for every stream in ``sources.STREAMS``."""
    if not spec_dir.is_dir():
        raise GenerationError(f"spec directory not found: {spec_dir}")
    specs = Specs(spec_dir)
    schemas = {s.name: build(specs, s) for s in STREAMS}
    for embedding in EMBEDDINGS:
        share_embedded(schemas, embedding)
    return {f"{name}.json": dumps(schema) for name, schema in schemas.items()}


def write(files: Mapping[str, str], out_dir: Path) -> None:
    """Write ``files`` and remove stale ``*.json`` files no stream produces any more."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.json"):
        if stale.name not in files:
            stale.unlink()
    for name, text in files.items():
        (out_dir / name).write_text(text, encoding="utf-8", newline="\n")


def differences(files: Mapping[str, str], out_dir: Path) -> list[str]:
    """Names of files that are missing, stale or different in ``out_dir``."""
    diffs = []
    present = {p.name for p in out_dir.glob("*.json")} if out_dir.is_dir() else set()
    for name, text in sorted(files.items()):
        path = out_dir / name
        if name not in present:
            diffs.append(f"missing: {name}")
        elif path.read_text(encoding="utf-8") != text:
            diffs.append(f"differs: {name}")
    diffs.extend(f"stale: {name}" for name in sorted(present - set(files)))
    return diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.schemagen", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--spec-dir", type=Path, default=None, help="BigCommerce reference dir")
    parser.add_argument("--out-dir", type=Path, default=JSON_DIR, help="where the JSON files go")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on difference")
    args = parser.parse_args(argv)
    spec_dir = args.spec_dir or default_spec_dir()
    try:
        files = generate(spec_dir)
    except GenerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        diffs = differences(files, args.out_dir)
        for line in diffs:
            print(line, file=sys.stderr)
        if diffs:
            print("run python -m tools.schemagen", file=sys.stderr)
            return 1
        print(f"{len(files)} schemas up to date", file=sys.stderr)
        return 0
    write(files, args.out_dir)
    print(f"wrote {len(files)} schemas to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
