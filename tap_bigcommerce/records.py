"""The conformance rules, and the pass that applies them to plainly decoded records.

Which fields hold timestamps, text and booleans, and which properties each level
declares, is read from a stream's schema once. Per record the tap then touches
only those fields:

* timestamps: RFC 2822 (v2), offset forms (v3) and Unix seconds become the tap's
  one ISO 8601 form, and BigCommerce's empty-string "no date" becomes null;
* text: a number in a field the schema declares as text (BigCommerce sends some
  decimals as strings in one endpoint and as numbers in another) becomes its JSON
  text, so a column never mixes types and no digit is lost;
* conformance, done here instead of by the SDK's generic per-record walk (which
  costs more than decoding and encoding the record together): properties the
  schema does not declare are dropped, at every level, and non-null values of
  boolean-only fields become booleans, exactly as the SDK's recursive
  conformance would do (tests compare the two paths record by record).

List pages are decoded straight into Structs that apply these rules inside
msgspec (`decoding`), which also uses this plan for what the Structs cannot do.
The pass below conforms the records that arrive as plain dicts (other endpoints,
or pages the typed decoder gave up on). It still runs for every field of such a
record, so it is written for CPython's cost model: the common case (nothing to
change at a level) is decided by set operations that iterate in C
(`map(type, map(record.get, names))`), and Python loops run only over the few
fields that need rewriting. A level's path in the record is fixed when the plan
is built, not formatted per call.
"""

from __future__ import annotations

import logging
import typing as t

from tap_bigcommerce.dates import epoch_to_datetime, format_timestamp, to_iso

LOGGER = logging.getLogger(__name__)
_NUMBER_TYPES = frozenset({int, float})
"""Numbers a text field must not carry (bool is its own type, so it is not one)."""
_BOOLEAN_OR_NULL = frozenset({bool, type(None)})


def _types(schema: t.Mapping[str, t.Any]) -> set[str]:
    declared = schema.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def _has_properties(schema: t.Mapping[str, t.Any]) -> bool:
    return "object" in _types(schema) and "properties" in schema


def as_flags(values: list[t.Any]) -> list[bool | None]:
    """A boolean array's items as booleans (nulls kept), as the SDK's conformance makes them."""
    return [None if item is None else item != 0 for item in values]


class FieldPlan:
    """What to do at one level of a record (and, through sub-plans, below it)."""

    __slots__ = (
        "arrays",
        "below",
        "boolean_arrays",
        "booleans",
        "dates",
        "declared",
        "names",
        "objects",
        "path",
        "stream",
        "texts",
    )

    def __init__(self, schema: t.Mapping[str, t.Any], *, stream: str, path: str = "") -> None:
        self.stream = stream
        self.path = path
        """Where this level sits in the record (`consignments.shipping.`), for messages."""
        properties = schema.get("properties") or {}
        self.names = tuple(properties)
        """The declared properties in the schema's order."""
        self.declared = frozenset(properties)
        dates: list[str] = []
        texts: list[str] = []
        booleans: list[str] = []
        boolean_arrays: list[str] = []
        objects: list[tuple[str, FieldPlan]] = []
        arrays: list[tuple[str, FieldPlan]] = []
        for name, prop in properties.items():
            kinds = _types(prop) - {"null"}
            if kinds == {"string"}:
                (dates if prop.get("format") == "date-time" else texts).append(name)
            elif kinds == {"boolean"}:
                booleans.append(name)
            elif _has_properties(prop):
                objects.append((name, FieldPlan(prop, stream=stream, path=f"{path}{name}.")))
            elif "array" in kinds and isinstance(prop.get("items"), dict):
                items = prop["items"]
                if _has_properties(items):
                    arrays.append((name, FieldPlan(items, stream=stream, path=f"{path}{name}.")))
                elif _types(items) - {"null"} == {"boolean"}:
                    boolean_arrays.append(name)
        self.dates = tuple(dates)
        self.texts = tuple(texts)
        self.booleans = tuple(booleans)
        self.boolean_arrays = tuple(boolean_arrays)
        self.objects = tuple(objects)
        self.arrays = tuple(arrays)
        self.below = dict(objects + arrays)
        """The plans of the objects one level down (arrays stepped into), by property."""

    def at(self, path: str) -> FieldPlan:
        """The plan of the records at a dotted path of properties (`consignments.shipping`)."""
        plan = self
        for name in path.split("."):
            plan = plan.below[name]
        return plan

    def apply(self, record: dict[str, t.Any]) -> list[str]:
        """Rewrite the record in place; return the paths of undeclared properties dropped."""
        dropped: list[str] = []
        self._apply(record, dropped)
        return dropped

    def _apply(self, record: dict[str, t.Any], dropped: list[str]) -> None:
        if not record.keys() <= self.declared:
            for name in [key for key in record if key not in self.declared]:
                del record[name]
                dropped.append(self.path + name)
        get = record.get
        for name in self.dates:
            value = get(name)
            if value is not None:
                record[name] = self.conform_date(name, value)
        if not _NUMBER_TYPES.isdisjoint(map(type, map(get, self.texts))):
            for name in self.texts:
                value = get(name)
                if type(value) in _NUMBER_TYPES:
                    record[name] = str(value)
        if not _BOOLEAN_OR_NULL.issuperset(map(type, map(get, self.booleans))):
            for name in self.booleans:
                value = get(name)
                if value is not None and not isinstance(value, bool):
                    record[name] = value != 0
        for name in self.boolean_arrays:
            value = get(name)
            if isinstance(value, list):
                record[name] = as_flags(value)
        for name, sub in self.objects:
            value = get(name)
            if type(value) is dict:
                sub._apply(value, dropped)
        for name, sub in self.arrays:
            value = get(name)
            if type(value) is list:
                for item in value:
                    if type(item) is dict:
                        sub._apply(item, dropped)

    def conform_date(self, name: str, value: t.Any) -> t.Any:
        """The tap's form of a non-null value of the date field `name` at this level."""
        if isinstance(value, str):
            try:
                return to_iso(value)
            except ValueError:
                LOGGER.warning(
                    "Stream '%s': field '%s%s' holds %r, which is not a timestamp; "
                    "it is passed on unchanged.",
                    self.stream,
                    self.path,
                    name,
                    value,
                )
        elif isinstance(value, int | float) and not isinstance(value, bool):
            # Some v2 dates (gift certificates) may come as Unix seconds.
            return format_timestamp(epoch_to_datetime(value))
        return value
