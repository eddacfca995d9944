"""Filtering and sorting over compact tables, shared by every list endpoint.

Filters read only the compact arrays (id, dates, status, deleted), so a query
over 100,000 orders never renders a record it will not return.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from bigcommerce_sandbox.dates import parse_filter
from bigcommerce_sandbox.state import Table


class BadRequest(ValueError):
    """A query parameter BigCommerce would reject (400/413/422)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclasses.dataclass
class Criteria:
    id_min: int | None = None  # inclusive bounds
    id_max: int | None = None
    ids: frozenset[int] | None = None
    modified_min: int | None = None
    modified_max: int | None = None
    created_min: int | None = None
    created_max: int | None = None
    status: int | None = None
    include_deleted: bool = False
    only_deleted: bool = False

    def lower_id(self, value: int) -> None:
        self.id_min = value if self.id_min is None else max(self.id_min, value)

    def upper_id(self, value: int) -> None:
        self.id_max = value if self.id_max is None else min(self.id_max, value)


def _int(params: Mapping[str, str], name: str) -> int | None:
    if name not in params:
        return None
    try:
        return int(params[name])
    except ValueError:
        raise BadRequest(400, f"The filter '{name}' must be an integer.") from None


def _date(params: Mapping[str, str], name: str, now: float) -> int | None:
    if name not in params:
        return None
    try:
        return parse_filter(params[name], now)
    except (ValueError, TypeError, IndexError):
        raise BadRequest(400, f"The filter '{name}' is not a valid date.") from None


def v2_criteria(params: Mapping[str, str], now: float) -> Criteria:
    c = Criteria(
        modified_min=_date(params, "min_date_modified", now),
        modified_max=_date(params, "max_date_modified", now),
        created_min=_date(params, "min_date_created", now),
        created_max=_date(params, "max_date_created", now),
        status=_int(params, "status_id"),
    )
    if (v := _int(params, "min_id")) is not None:
        c.lower_id(v)
    if (v := _int(params, "max_id")) is not None:
        c.upper_id(v)
    if params.get("is_deleted", "").lower() == "true":
        c.only_deleted = True
    return c


def v3_criteria(params: Mapping[str, str], now: float) -> Criteria:
    c = Criteria(
        modified_min=_date(params, "date_modified:min", now),
        modified_max=_date(params, "date_modified:max", now),
        created_min=_date(params, "date_created:min", now),
        created_max=_date(params, "date_created:max", now),
    )
    if (v := _int(params, "id")) is not None:
        c.lower_id(v)
        c.upper_id(v)
    for name, fn in (("id:min", c.lower_id), ("id:max", c.upper_id)):
        if (v := _int(params, name)) is not None:
            fn(v)
    if (v := _int(params, "id:greater")) is not None:
        c.lower_id(v + 1)
    if (v := _int(params, "id:less")) is not None:
        c.upper_id(v - 1)
    if "id:in" in params:
        try:
            c.ids = frozenset(int(x) for x in params["id:in"].split(",") if x.strip())
        except ValueError:
            raise BadRequest(400, "The filter 'id:in' must be a list of integers.") from None
    return c


def select(table: Table, c: Criteria, stop_after: int | None = None) -> list[int]:
    """Positions (ascending id) of the records matching ``c``.

    ``stop_after`` ends the scan once that many matched: v2 lists in id order need
    no total, so a keyset page (``min_id``) costs one page of work, not a table scan.
    """
    n = len(table)
    lo = 0 if c.id_min is None else max(0, c.id_min - table.base)
    hi = n if c.id_max is None else min(n, c.id_max - table.base + 1)
    created, modified, status, deleted = table.created, table.modified, table.status, table.deleted
    out = []
    for p in range(lo, hi):
        if c.only_deleted:
            if not deleted[p]:
                continue
        elif deleted[p] and not c.include_deleted:
            continue
        m = modified[p]
        if c.modified_min is not None and m < c.modified_min:
            continue
        if c.modified_max is not None and m > c.modified_max:
            continue
        if c.created_min is not None and created[p] < c.created_min:
            continue
        if c.created_max is not None and created[p] > c.created_max:
            continue
        if c.status is not None and status[p] != c.status:
            continue
        if c.ids is not None and table.base + p not in c.ids:
            continue
        out.append(p)
        if stop_after is not None and len(out) >= stop_after:
            break
    return out


SortKey = Callable[[int], Any]


def sort_key(table: Table, field: str, extra: Mapping[str, Callable[[int], Any]]) -> SortKey:
    """Key on ``(value, id)`` so ties (a bulk import) keep a stable order."""
    base = table.base
    if field == "id":
        return lambda p: (p,)
    if field == "date_modified":
        return lambda p: (table.modified[p], p)
    if field == "date_created":
        return lambda p: (table.created[p], p)
    if field in extra:
        fn = extra[field]
        return lambda p: (fn(base + p), p)
    raise BadRequest(400, f"Sort field '{field}' is not supported.")


def parse_sort(value: str | None, direction: str | None = None) -> tuple[str, bool]:
    """Read ``field:dir`` (v2, customers) or ``field`` + ``direction`` (catalog)."""
    if not value:
        return "id", (direction or "asc").lower() == "desc"
    field, _, d = value.partition(":")
    d = d or direction or "asc"
    if d.lower() not in ("asc", "desc"):
        raise BadRequest(400, f"Sort direction '{d}' is not supported.")
    return field, d.lower() == "desc"


def limit_of(params: Mapping[str, str], *, v2: bool) -> int:
    raw = _int(params, "limit")
    if raw is None:
        return 50
    if raw > 250:
        if v2:
            raise BadRequest(413, "The limit may not be higher than 250.")
        return 250
    if raw < 1:
        raise BadRequest(400, "The limit must be at least 1.")
    return raw


def page_of(params: Mapping[str, str]) -> int:
    raw = _int(params, "page")
    return 1 if raw is None or raw < 1 else raw
