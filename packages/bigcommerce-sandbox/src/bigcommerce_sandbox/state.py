"""Compact per-record state, the only thing the sandbox stores per record.

A record is its position in a few parallel arrays (ids are implicit: ``base +
position``), so 100,000 orders cost a few megabytes; full records are rendered
on demand from ``(seed, id, version)``. Child records (line items, variants,
addresses) have no state at all: their count is a pure function of the parent
id and their id is ``parent_id * CHILD_SLOTS + k``, so they keep their ids across
edits and are unique per type.
"""

from __future__ import annotations

import dataclasses
import random
from array import array
from collections.abc import Iterator

CHILD_SLOTS = 8
ANCHOR = 1782777600  # 2026-06-30T00:00:00Z: generated history ends here, whatever today is
SPAN = 2 * 365 * 86400
BULK_RUN = 300  # records sharing one date_modified second (a bulk import)


@dataclasses.dataclass(frozen=True)
class Row:
    id: int
    created: int
    modified: int
    version: int
    status: int
    deleted: bool


class Table:
    """One resource's compact state."""

    def __init__(self, kind: str, base: int) -> None:
        self.kind = kind
        self.base = base
        self.created = array("q")
        self.modified = array("q")
        self.version = array("l")
        self.status = array("b")
        self.deleted = bytearray()

    def __len__(self) -> int:
        return len(self.created)

    def generate(
        self, n: int, r: random.Random, statuses: tuple[int, ...] = (0,), deleted_rate: float = 0.0
    ) -> None:
        start = ANCHOR - SPAN
        step = SPAN / max(n, 1)
        for pos in range(n):
            created = int(start + pos * step + r.random() * step * 0.9)
            roll = r.random()
            if roll < 0.35:
                modified = created
            elif roll < 0.8:
                modified = created + r.randint(1, 86400 * 3)
            else:
                modified = created + r.randint(86400, 86400 * 200)
            self.created.append(created)
            self.modified.append(min(modified, ANCHOR))
            self.version.append(0)
            self.status.append(r.choice(statuses))
            self.deleted.append(1 if r.random() < deleted_rate else 0)
        if n >= 2 * BULK_RUN - 100:
            first = n // 3
            last = first + BULK_RUN - 1
            stamp = min(self.created[last] + 3600, ANCHOR)
            for pos in range(first, last + 1):
                self.modified[pos] = stamp
                self.deleted[pos] = 0

    def append(self, now: int, status: int = 0) -> int:
        self.created.append(now)
        self.modified.append(now)
        self.version.append(0)
        self.status.append(status)
        self.deleted.append(0)
        return self.base + len(self.created) - 1

    def pos(self, ident: int) -> int | None:
        p = ident - self.base
        return p if 0 <= p < len(self.created) else None

    def row(self, p: int) -> Row:
        return Row(
            self.base + p,
            self.created[p],
            self.modified[p],
            self.version[p],
            self.status[p],
            bool(self.deleted[p]),
        )

    def get(self, ident: int) -> Row | None:
        p = self.pos(ident)
        return None if p is None else self.row(p)

    def touch(self, p: int, now: int, status: int | None = None) -> None:
        self.version[p] += 1
        self.modified[p] = max(now, self.created[p])
        if status is not None:
            self.status[p] = status

    def rows(self, include_deleted: bool = False) -> Iterator[Row]:
        for p in range(len(self.created)):
            if include_deleted or not self.deleted[p]:
                yield self.row(p)


def child_ids(parent_id: int, n: int) -> list[int]:
    return [parent_id * CHILD_SLOTS + k for k in range(n)]
