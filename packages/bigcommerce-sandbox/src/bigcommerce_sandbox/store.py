"""One generated store: compact tables, the render cache, and the admin mutations.

Every read and write of a store happens under its lock, so admin edits made
while a sync pages through the store behave like a real store's: the next page
query sees the record at its new ``date_modified``.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import msgspec

from bigcommerce_sandbox import registry as resources
from bigcommerce_sandbox.clock import Clock
from bigcommerce_sandbox.dates import iso_z
from bigcommerce_sandbox.factories.context import Ctx
from bigcommerce_sandbox.options import SandboxOptions
from bigcommerce_sandbox.state import Row, Table

_encoder = msgspec.json.Encoder()

DELETABLE_CHILDREN = frozenset(("variants",))
"""Child types the admin API deletes one record at a time (others go with their parent)."""


def store_hash(seed: int, index: int) -> str:
    return hashlib.sha1(f"store:{seed}:{index}".encode(), usedforsecurity=False).hexdigest()[:10]


class Store:
    def __init__(self, index: int, opts: SandboxOptions, base_url: str, clock: Clock) -> None:
        self.index = index
        self.seed = opts.seed * 1000 + index
        self.hash = store_hash(opts.seed, index)
        self.clock = clock
        self.lock = threading.RLock()
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_size = opts.cache_size
        self._mutations = 0
        r = random.Random(self.seed)
        self.tables: dict[str, Table] = {}
        for kind, spec in resources.TABLES.items():
            table = Table(kind, spec.base)
            table.generate(
                int(getattr(opts, spec.size_option)), r, spec.statuses, spec.deleted_rate
            )
            self.tables[kind] = table
        self.ctx = Ctx(
            seed=self.seed,
            store_hash=self.hash,
            base_url=base_url,
            n_products=len(self.tables["products"]),
            n_customers=len(self.tables["customers"]),
            n_brands=len(self.tables["brands"]),
            n_categories=len(self.tables["categories"]),
        )

    # rendering -----------------------------------------------------------------
    def render(self, key: tuple[Any, ...], row: Row, fn: Callable[[], Any]) -> msgspec.Raw:
        """Memoise the encoded JSON by (key, id, version): a new version is a new entry.

        Caching bytes rather than dicts keeps the cache several times smaller and lets a
        page be assembled without re-encoding its records.
        """
        full = (*key, row.id, row.version)
        with self.lock:
            hit = self._cache.get(full)
            if hit is not None:
                self._cache.move_to_end(full)
                return hit
        value = msgspec.Raw(_encoder.encode(fn()))
        with self.lock:
            self._cache[full] = value
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return value

    @property
    def mutations(self) -> int:
        """How many edits and creates the store has seen (a version of its contents)."""
        return self._mutations

    # admin ---------------------------------------------------------------------
    def _table(self, resource: str) -> tuple[Table, resources.TableSpec]:
        if resource not in resources.TABLES:
            raise KeyError(resource)
        return self.tables[resource], resources.TABLES[resource]

    def edit(self, resource: str, count: int) -> list[int]:
        with self.lock:
            table, spec = self._table(resource)
            self._mutations += 1
            r = random.Random(self.seed * 31 + self._mutations)
            live = [p for p in range(len(table)) if not table.deleted[p]]
            picked = sorted(r.sample(live, min(count, len(live))))
            now = self.clock.now_s()
            for p in picked:
                table.touch(p, now, r.choice(spec.statuses) if len(spec.statuses) > 1 else None)
            return [table.base + p for p in picked]

    def create(self, resource: str, count: int) -> list[int]:
        with self.lock:
            table, spec = self._table(resource)
            self._mutations += 1
            r = random.Random(self.seed * 37 + self._mutations)
            now = self.clock.now_s()
            # ctx (catalogue sizes that orders reference) stays as generated: changing it
            # would silently change records that were not edited.
            return [table.append(now, r.choice(spec.statuses)) for _ in range(count)]

    def delete(self, resource: str, count: int, ids: list[int] | None = None) -> list[int]:
        """Delete `count` live records, as the store's DELETE endpoints would.

        A table's record leaves every list (its embedded children with it); a child type
        that can be deleted on its own (``DELETABLE_CHILDREN``) loses single records
        while the parent stays unchanged (its ``date_modified`` does not move, so only a
        sweep of ids can tell). ``ids`` names the records instead of picking at random.
        """
        with self.lock:
            self._mutations += 1
            r = random.Random(self.seed * 41 + self._mutations)
            if resource in DELETABLE_CHILDREN:
                parent, fn = resources.CHILDREN[resource]
                live = [
                    child["id"] for row in self.tables[parent].rows() for child in fn(self.ctx, row)
                ]
                picked = _pick(r, live, count, ids)
                self.ctx.removed.setdefault(resource, set()).update(picked)
                self._cache.clear()
                return picked
            table, _ = self._table(resource)
            alive = [table.base + p for p in range(len(table)) if not table.deleted[p]]
            positions = [ident - table.base for ident in _pick(r, alive, count, ids)]
            for p in positions:
                table.deleted[p] = 1
            return [table.base + p for p in positions]

    def truth(self, resource: str) -> list[dict[str, Any]]:
        with self.lock:
            if resource in resources.TABLES:
                table = self.tables[resource]
                return [
                    {"id": row.id, "date_modified": iso_z(row.modified)} for row in table.rows()
                ]
            if resource in resources.CHILDREN:
                parent, fn = resources.CHILDREN[resource]
                keys = resources.CHILD_KEYS.get(resource, ("id",))
                return [
                    {"id": _key(child, keys), "parent_id": row.id}
                    for row in self.tables[parent].rows()
                    for child in fn(self.ctx, row)
                ]
            raise KeyError(resource)


def _pick(r: random.Random, live: list[int], count: int, ids: list[int] | None) -> list[int]:
    if ids is None:
        return sorted(r.sample(live, min(count, len(live))))
    unknown = sorted(set(ids) - set(live))
    if unknown:
        raise KeyError(f"no live records with ids {unknown}")
    return sorted(set(ids))


def _key(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """A child's identity in ground truth: one field, or a list of several (dotted paths)."""
    values = []
    for key in keys:
        value: Any = record
        for part in key.split("."):
            value = value[part]
        values.append(value)
    return values[0] if len(values) == 1 else values
