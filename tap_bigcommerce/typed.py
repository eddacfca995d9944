"""Records decoded straight into their schema's Structs, and the few mapping operations on them.

`decoding` turns list pages into `TypedRecord`s. They answer the mapping operations
the SDK and the streams use (`record["id"]`, `get`, `in`), are written by the direct
writer as they are, and become dicts (`msgspec.to_builtins`) where the SDK's generic
path needs one. Embedded children are copies of a parent's nested Structs
(`copy_record`), so a record and its children share what they share.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, Mapping

import msgspec
from msgspec import UNSET


class TypedRecord(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A record decoded into its schema's Struct; absent properties are `UNSET`.

    The mapping methods exist for the code written against dict records (the SDK's
    state and partition handling, keyset paging, child extraction). Setting a key
    the schema does not declare raises AttributeError, which is what a tap bug
    should do rather than emit an undeclared column.
    """

    def __getitem__(self, key: str) -> t.Any:
        value = getattr(self, key, UNSET)
        if value is UNSET:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: t.Any) -> None:
        setattr(self, key, value)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and getattr(self, key, UNSET) is not UNSET

    def get(self, key: str, default: t.Any = None) -> t.Any:
        value = getattr(self, key, UNSET)
        return default if value is UNSET else value

    def setdefault(self, key: str, default: t.Any = None) -> t.Any:
        value = getattr(self, key, UNSET)
        if value is UNSET:
            setattr(self, key, default)
            return default
        return value

    def keys(self) -> list[str]:
        return [name for name in self.__struct_fields__ if getattr(self, name) is not UNSET]

    def items(self) -> Iterator[tuple[str, t.Any]]:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if value is not UNSET:
                yield name, value

    def __bool__(self) -> bool:
        """Always true, as a record is: `if record` must not count its fields."""
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())


Mapping.register(TypedRecord)


def is_record(value: object) -> t.TypeGuard[Mapping[str, t.Any]]:
    """Whether `value` is a JSON object of the payload: a dict, or a decoded Struct."""
    return type(value) is dict or isinstance(value, TypedRecord)


def copy_record(
    record: Mapping[str, t.Any], *, without: frozenset[str] = frozenset(), **values: t.Any
) -> t.Any:
    """A shallow copy of `record` with `values` set and the keys in `without` left out."""
    if isinstance(record, TypedRecord):
        if without:
            values.update(dict.fromkeys(without, UNSET))
        return msgspec.structs.replace(record, **values)
    copied = {k: v for k, v in record.items() if k not in without} if without else dict(record)
    copied.update(values)
    return copied
