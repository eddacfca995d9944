"""Every record's keys are checked where the record enters the tap.

A target upserts on the primary key and the next run starts from the replication key:
a record whose `id` is null, a string, or missing, or whose `date_modified` is absent,
would be merged with the wrong row, dropped, or crash the target after the bookmark
moved. Such a record fails the run before it reaches stdout, naming the stream, the
key and, where it has one, the record's id (DESIGN §3, verify before committing).
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Mapping, Sequence

from tap_bigcommerce.errors import InvalidRecordError

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00")
"""The tap's one timestamp form (`dates.format_timestamp`), which conformed records carry."""
_TYPES: dict[str, type] = {"integer": int, "string": str, "number": float}


def _declared_type(prop: Mapping[str, t.Any]) -> type | None:
    declared = prop.get("type", [])
    kinds = [declared] if isinstance(declared, str) else [k for k in declared if k != "null"]
    return _TYPES.get(kinds[0]) if len(kinds) == 1 else None


class RecordKeys:
    """The key fields of one stream, with the Python type each must hold."""

    def __init__(
        self,
        stream: str,
        schema: Mapping[str, t.Any],
        primary_keys: Sequence[str],
        replication_key: str | None,
    ) -> None:
        properties = schema.get("properties") or {}
        self._stream = stream
        self._keys = tuple(
            (name, _declared_type(properties.get(name) or {})) for name in primary_keys
        )
        self._replication_key = replication_key

    def check(self, record: t.Any) -> None:
        """Raise `InvalidRecordError` unless every key holds a usable value."""
        get = record.get
        for name, kind in self._keys:
            value = get(name)
            if value is None or type(value) is bool or (kind is not None and not _is(value, kind)):
                self._fail(record, f"primary key `{name}` is {value!r}")
        if self._replication_key is not None:
            value = get(self._replication_key)
            if type(value) is not str or not _ISO.fullmatch(value):
                self._fail(record, f"replication key `{self._replication_key}` is {value!r}")

    def _fail(self, record: t.Any, problem: str) -> t.NoReturn:
        ident = record.get("id")
        which = f" (id {ident!r})" if ident is not None else ""
        raise InvalidRecordError(
            f"Stream '{self._stream}': the API sent a record{which} whose {problem}; it cannot "
            "be loaded or bookmarked. Nothing of this window was committed: run the sync again, "
            "and if it repeats, report the record to BigCommerce."
        )


def _is(value: t.Any, kind: type) -> bool:
    if kind is float:
        return type(value) in (int, float)
    return type(value) is kind
