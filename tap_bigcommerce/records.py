"""Normalising API records before the SDK sees them.

Which fields hold timestamps or text is read from a stream's schema once, so per
record the tap touches only those fields:

* timestamps: RFC 2822 (v2) and offset forms (v3) become the tap's one ISO 8601
  form, and BigCommerce's empty-string "no date" becomes null;
* text: a number in a field the schema declares as text (BigCommerce sends some
  decimals as strings in one endpoint and as numbers in another) becomes its
  JSON text, so a column never mixes types and no digit is lost.
"""

from __future__ import annotations

import logging
import typing as t
from dataclasses import dataclass, field

from tap_bigcommerce.dates import epoch_to_datetime, format_timestamp, to_iso

LOGGER = logging.getLogger(__name__)


def _types(schema: t.Mapping[str, t.Any]) -> set[str]:
    declared = schema.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


@dataclass
class FieldPlan:
    """Where the timestamps and text fields are in a record (nested objects and arrays too)."""

    dates: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    objects: dict[str, FieldPlan] = field(default_factory=dict)
    arrays: dict[str, FieldPlan] = field(default_factory=dict)

    @classmethod
    def from_schema(cls, schema: t.Mapping[str, t.Any]) -> FieldPlan:
        plan = cls()
        dates: list[str] = []
        texts: list[str] = []
        for name, prop in (schema.get("properties") or {}).items():
            kinds = _types(prop) - {"null"}
            if kinds == {"string"}:
                (dates if prop.get("format") == "date-time" else texts).append(name)
            elif "object" in kinds and prop.get("properties"):
                sub = cls.from_schema(prop)
                if not sub.is_empty():
                    plan.objects[name] = sub
            elif "array" in kinds and isinstance(prop.get("items"), dict):
                sub = cls.from_schema(prop["items"])
                if not sub.is_empty():
                    plan.arrays[name] = sub
        plan.dates, plan.texts = tuple(dates), tuple(texts)
        return plan

    def is_empty(self) -> bool:
        return not (self.dates or self.texts or self.objects or self.arrays)

    def apply(self, record: dict[str, t.Any], *, stream: str) -> None:
        """Rewrite the record in place; keep (and warn about) unparseable timestamps."""
        for name in self.dates:
            value = record.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                # Some v2 dates (gift certificates) may come as Unix seconds.
                record[name] = format_timestamp(epoch_to_datetime(value))
            elif isinstance(value, str):
                try:
                    record[name] = to_iso(value)
                except ValueError:
                    LOGGER.warning(
                        "Stream '%s': field '%s' holds %r, which is not a timestamp; "
                        "it is passed on unchanged.",
                        stream,
                        name,
                        value,
                    )
        for name in self.texts:
            value = record.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                record[name] = str(value)
        for name, sub in self.objects.items():
            value = record.get(name)
            if isinstance(value, dict):
                sub.apply(value, stream=stream)
        for name, sub in self.arrays.items():
            value = record.get(name)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        sub.apply(item, stream=stream)
