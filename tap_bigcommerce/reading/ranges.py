"""The id ranges a keyset read is split into, at its start and while it goes on.

A large window is read as id ranges at once (`keyset`): split where the first and last
pages say the ids lie (`split_id_range`), each range at least `MIN_PAGES_PER_RANGE`
pages so its partly filled last page costs little. Ranges finish unevenly (ids are not
evenly dense, the store answers some sooner), and as they end fewer readers are left
than the quota needs in flight: the last ranges' pages would then come one after
another. So while the read goes on, the largest range left gives its upper half to a
new reader (`steal`) whenever fewer are reading than the quota needs.
"""

from __future__ import annotations

import dataclasses
import threading
import typing as t
from collections.abc import Mapping, Sequence

from tap_bigcommerce.reading.pages import PAGE_SIZE, Page

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.checkpoint import Position

MIN_PAGES_PER_RANGE = 2
STEAL_ABOVE_PAGES = 3
"""A range is split while it is read only when this many pages of it are left."""


class Span:
    """One id range being read, `(after, up_to]`, shared by its reader and the consumer.

    The reader moves `after` past each page it fetches; the consumer may lower `up_to`
    (`steal`) so another reader takes the rest. `written` is where the checkpoint
    stands: the last page the consumer wrote.
    """

    def __init__(self, key: int, after: int, up_to: int) -> None:
        self.key = key
        self.after = after
        self.up_to = up_to
        self.written = after
        self._lock = threading.Lock()

    def next(self) -> tuple[int, int]:
        """The range left to read."""
        with self._lock:
            return self.after, self.up_to

    def advance(self, page: Page) -> Position | None:
        """Past this page: the position after it (None: the range is read to its end)."""
        with self._lock:
            if len(page) < PAGE_SIZE or int(page[-1]["id"]) >= self.up_to:
                self.after = self.up_to
                return None
            self.after = int(page[-1]["id"])
            return [self.after, self.up_to]

    def end_at(self, up_to: int, *, was: int) -> bool:
        """End the range at `up_to` (another reader takes the rest), unless it changed
        since it ended at `was` or its reader is already there."""
        with self._lock:
            if self.up_to != was or self.after >= up_to:
                return False
            self.up_to = up_to
            return True

    def clamp(self, position: Position | None) -> Position | None:
        """A position the reader gave, within the range as it is now; the consumer's
        thread, once the page before it is written."""
        with self._lock:
            if position is None or int(position[0]) >= self.up_to:
                self.written = self.up_to
                return None
            self.written = int(position[0])
            return [self.written, self.up_to]


class Density:
    """Records per id, from the full pages of a read so far (ids have gaps: deletions,
    records outside the window)."""

    def __init__(self) -> None:
        self.records = 0
        self.ids = 0

    def see(self, page: Page) -> None:
        if len(page) == PAGE_SIZE:
            self.records += len(page)
            self.ids += int(page[-1]["id"]) - int(page[0]["id"]) + 1

    def pages(self, ids: int) -> float:
        """Pages that `ids` consecutive ids are likely to hold (0 before any full page)."""
        return ids * self.records / self.ids / PAGE_SIZE if self.ids else 0.0


@dataclasses.dataclass(frozen=True)
class Stolen:
    """The upper half of a range split off for another reader (`key`: the range's)."""

    key: int
    after: int
    up_to: int


def steal(spans: t.Iterable[Span], density: Density) -> Stolen | None:
    """Split the range with the most left to read, if it has enough to be worth it.

    Ranges finish unevenly: as they end, fewer readers are left than the quota needs in
    flight, and the last ranges' pages would come one after another. The upper half of
    the largest range left goes to a new reader, far enough above where its reader is
    (a page) that the page in flight rarely reaches into it.
    """
    best: tuple[float, Span, int, int] | None = None
    for span in spans:
        after, up_to = span.next()
        left = density.pages(up_to - after)
        if left >= STEAL_ABOVE_PAGES and (best is None or left > best[0]):
            best = (left, span, after, up_to)
    if best is None:
        return None
    _, span, after, up_to = best
    middle = after + (up_to - after) // 2
    if not span.end_at(middle, was=up_to):
        return None  # the reader moved on meanwhile
    return Stolen(span.key, middle, up_to)


def split_id_range(
    after_id: int,
    up_to_id: int,
    first: Sequence[Mapping[str, t.Any]],
    last: Sequence[Mapping[str, t.Any]],
    *,
    workers: int,
    min_pages: int = MIN_PAGES_PER_RANGE,
) -> list[tuple[int, int]]:
    """Split `(after_id, up_to_id]` into ranges worth reading concurrently.

    The density of ids seen in the first and last pages estimates how many pages
    the middle holds; each range gets at least `min_pages` of them, so the
    partly filled last page of each range adds at most a few percent of requests.
    """
    if up_to_id <= after_id:
        return []
    span_seen = 0
    for page in (first, last):
        ids = [int(record["id"]) for record in page]
        span_seen += max(ids) - min(ids) + 1
    density = (len(first) + len(last)) / max(span_seen, 1)
    estimated_pages = (up_to_id - after_id) * density / PAGE_SIZE
    count = max(1, min(workers, int(estimated_pages // min_pages)))
    step = (up_to_id - after_id) / count
    bounds = [after_id + round(step * i) for i in range(count)] + [up_to_id]
    return [(bounds[i], bounds[i + 1]) for i in range(count) if bounds[i + 1] > bounds[i]]
