"""Which text fields hold decimal numbers (money, rates, quantities), and how they are declared.

BigCommerce's v2 API sends money as strings with four decimals (`"54.0000"`), and some
fields are a number in one spec and such a string in another. Declared as plain text,
they load as `text` columns; declared as `number`, a float in between could cost a
digit. The SDK's SQL targets (target-postgres 0.8 through singer-sdk's
`JSONSchemaToSQL`) map a string with the format `x-singer.decimal` to `DECIMAL`, which
PostgreSQL creates as `numeric` without a precision: the value keeps every digit it was
sent with, and the tap passes it on as the text it came as.

A string is a decimal when its spec says so: the specs' "(Float, Float-As-String,
Integer)" note, an OAS numeric format on a string, or an example that is a decimal
number. A string-or-number union without such a note stays text (`payment_provider_id`
is an id, sent as either). Where a parent's spec and its embedded child's disagree, a
string in one and a `number` in the other is a decimal in both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

DECIMAL_FORMAT = "x-singer.decimal"
NUMERIC_OAS_FORMATS = frozenset({"decimal", "float", "double", "number"})
FLOAT_AS_STRING = re.compile(r"float[- ]as[- ]string", re.IGNORECASE)
DECIMAL_EXAMPLE = re.compile(r"-?\d*\.\d+")


def is_decimal_text(node: Mapping[str, Any]) -> bool:
    """Whether an OAS schema node (or one of its alternatives) documents a decimal number."""
    if FLOAT_AS_STRING.search(str(node.get("description", ""))):
        return True
    if node.get("format") in NUMERIC_OAS_FORMATS:
        return True
    example = node.get("example")
    if isinstance(example, str) and DECIMAL_EXAMPLE.fullmatch(example) is not None:
        return True
    alternatives = [*(node.get("oneOf") or []), *(node.get("anyOf") or [])]
    return any(is_decimal_text(a) for a in alternatives if isinstance(a, Mapping))


def merges_decimal(types_a: Iterable[str], types_b: Iterable[str]) -> bool:
    """One spec's decimal string is another's `number`: the field is a decimal in both.

    Only `number`, not `integer`: an id sent as a string by one API and an integer by the
    other is not a quantity.
    """
    kinds = {*types_a, *types_b}
    return "number" in kinds and "string" in kinds and not kinds & {"object", "array"}


def mixes_text_and_numbers(types: Iterable[str]) -> bool:
    """A scalar union of string and number: a decimal that is sometimes sent as text."""
    kinds = set(types)
    numeric = bool(kinds & {"number", "integer"})
    return "string" in kinds and numeric and not kinds & {"object", "array"}
