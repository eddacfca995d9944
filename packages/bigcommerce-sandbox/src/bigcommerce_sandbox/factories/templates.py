"""Record skeletons for the smaller resources, one per shape the spec declares.

``templates.json`` was derived once from the official OpenAPI documents (every declared
property, with the spec's example values where it gives them) and is committed: the
sandbox never reads the specs at run time. Factories copy a skeleton and fill in ids,
dates, names and links from the record's own state.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import msgspec

_decode = msgspec.json.Decoder()
_encode = msgspec.json.Encoder()


@functools.cache
def _raw() -> dict[str, list[bytes]]:
    text = resources.files(__package__).joinpath("templates.json").read_text(encoding="utf-8")
    data: dict[str, list[Any]] = json.loads(text)
    return {name: [_encode.encode(shape) for shape in shapes] for name, shapes in data.items()}


def shapes(kind: str) -> int:
    """How many distinct shapes (oneOf/anyOf branches) the resource has."""
    return len(_raw()[kind])


def skeleton(kind: str, shape: int = 0, /, **fields: Any) -> dict[str, Any]:
    """A fresh copy of one shape of ``kind``, with ``fields`` set on top."""
    shapes_ = _raw()[kind]
    record: dict[str, Any] = _decode.decode(shapes_[shape % len(shapes_)])
    record.update(fields)
    return record
