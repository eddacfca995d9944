"""The record path: from an API payload to what the SDK writes, in one cheap pass.

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
"""

from __future__ import annotations

import logging
import typing as t
from dataclasses import dataclass, field

from tap_bigcommerce.dates import epoch_to_datetime, format_timestamp, to_iso

LOGGER = logging.getLogger(__name__)
_NUMBER_TYPES = (int, float)


def _types(schema: t.Mapping[str, t.Any]) -> set[str]:
    declared = schema.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def _has_properties(schema: t.Mapping[str, t.Any]) -> bool:
    return "object" in _types(schema) and "properties" in schema


@dataclass
class FieldPlan:
    """What to do at one level of a record (and, through sub-plans, below it)."""

    declared: frozenset[str] = frozenset()
    dates: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()
    objects: dict[str, FieldPlan] = field(default_factory=dict)
    arrays: dict[str, FieldPlan] = field(default_factory=dict)
    boolean_arrays: tuple[str, ...] = ()

    @classmethod
    def from_schema(cls, schema: t.Mapping[str, t.Any]) -> FieldPlan:
        properties = schema.get("properties") or {}
        plan = cls(declared=frozenset(properties))
        dates: list[str] = []
        texts: list[str] = []
        booleans: list[str] = []
        boolean_arrays: list[str] = []
        for name, prop in properties.items():
            kinds = _types(prop) - {"null"}
            if kinds == {"string"}:
                (dates if prop.get("format") == "date-time" else texts).append(name)
            elif kinds == {"boolean"}:
                booleans.append(name)
            elif _has_properties(prop):
                plan.objects[name] = cls.from_schema(prop)
            elif "array" in kinds and isinstance(prop.get("items"), dict):
                items = prop["items"]
                if _has_properties(items):
                    plan.arrays[name] = cls.from_schema(items)
                elif _types(items) - {"null"} == {"boolean"}:
                    boolean_arrays.append(name)
        plan.dates, plan.texts = tuple(dates), tuple(texts)
        plan.booleans, plan.boolean_arrays = tuple(booleans), tuple(boolean_arrays)
        return plan

    def apply(self, record: dict[str, t.Any], *, stream: str, path: str = "") -> list[str]:
        """Rewrite the record in place; return the paths of undeclared properties dropped."""
        dropped: list[str] = []
        if not record.keys() <= self.declared:
            for name in [key for key in record if key not in self.declared]:
                del record[name]
                dropped.append(f"{path}{name}")
        for name in self.dates:
            value = record.get(name)
            if isinstance(value, str):
                try:
                    record[name] = to_iso(value)
                except ValueError:
                    LOGGER.warning(
                        "Stream '%s': field '%s%s' holds %r, which is not a timestamp; "
                        "it is passed on unchanged.",
                        stream,
                        path,
                        name,
                        value,
                    )
            elif isinstance(value, int | float) and not isinstance(value, bool):
                # Some v2 dates (gift certificates) may come as Unix seconds.
                record[name] = format_timestamp(epoch_to_datetime(value))
        for name in self.texts:
            value = record.get(name)
            # `type(...) in` is the cheap test on this hot path; it also leaves bools alone.
            if type(value) in _NUMBER_TYPES:
                record[name] = str(value)
        for name in self.booleans:
            value = record.get(name)
            if value is not None and not isinstance(value, bool):
                record[name] = value != 0
        for name in self.boolean_arrays:
            value = record.get(name)
            if isinstance(value, list):
                record[name] = [None if item is None else item != 0 for item in value]
        for name, sub in self.objects.items():
            value = record.get(name)
            if isinstance(value, dict):
                dropped += sub.apply(value, stream=stream, path=f"{path}{name}.")
        for name, sub in self.arrays.items():
            value = record.get(name)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        dropped += sub.apply(item, stream=stream, path=f"{path}{name}.")
        return dropped
