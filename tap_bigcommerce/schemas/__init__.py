"""Stream schemas: JSON Schema files generated from BigCommerce's OpenAPI specs and committed.

The files live in ``json/<stream>.json`` inside the package and are read with
``importlib.resources``, so an installed tap needs nothing but its own package data. Regenerate them
with ``python -m tools.schemagen`` (see ``tools/schemagen``).
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from typing import Any

__all__ = ["available_schemas", "load_schema"]

_PACKAGE = __name__
_DIR = "json"


@functools.cache
def _read(stream_name: str) -> dict[str, Any]:
    entry = resources.files(_PACKAGE).joinpath(_DIR).joinpath(f"{stream_name}.json")
    if not entry.is_file():
        known = ", ".join(available_schemas())
        raise KeyError(f"no schema for stream {stream_name!r}; known streams: {known}")
    schema = json.loads(entry.read_text(encoding="utf-8"))
    if not isinstance(schema, dict):
        raise ValueError(f"schema file for {stream_name!r} is not a JSON object")
    return schema


def load_schema(stream_name: str) -> dict[str, Any]:
    """Return the JSON Schema of ``stream_name`` (a fresh copy the caller may modify)."""
    return copy.deepcopy(_read(stream_name))


@functools.cache
def _names() -> tuple[str, ...]:
    folder = resources.files(_PACKAGE).joinpath(_DIR)
    return tuple(
        sorted(e.name[: -len(".json")] for e in folder.iterdir() if e.name.endswith(".json"))
    )


def available_schemas() -> list[str]:
    """Names of the streams that have a committed schema, sorted."""
    return list(_names())
