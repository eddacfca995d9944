"""Checking a read against the API's own account of it, before a bookmark may move.

Two checks (DESIGN §3, verify before committing):

* Each page must be possible: no longer than the limit asked for, and on keyset reads
  ids in the requested range and order. A page that is not is a bad response: asked
  for again (`api.StoreApi.get` retries it), then an error. A page with ids beyond its
  range would otherwise move the keyset past records never read.
* Each window must be complete: the records read are compared with the API's count for
  the same filters (a v3 list's `meta.pagination.total` on the window's first page, a
  v2 list's `/count`). Records can only leave a window during the sync (edited after its
  end, or deleted), never enter it, so a read that holds fewer records than the count
  taken at its end lost some: the window is read again, once, and then the run fails,
  naming the stream and the numbers, without moving the bookmark.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from tap_bigcommerce.errors import IncompleteWindowError, InvalidResponseError

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.pages import Page, PageSource
    from tap_bigcommerce.reading.progress import Progress
    from tap_bigcommerce.reading.windows import Window

READS = 2
"""A window is read at most this many times before a shortfall fails the run."""


def total_of(pagination: Mapping[str, t.Any]) -> int | None:
    """A v3 page's `meta.pagination.total`, if it is a count."""
    total = pagination.get("total")
    return total if type(total) is int else None


class CountedRead(t.Protocol):
    """What verification needs of a pager: one read, and the API's count to check it by.

    A protocol rather than the pager class so this module does not import the pagers
    it checks (`reading.pager` imports it).
    """

    @property
    def repeats(self) -> bool:
        """Whether one read may deliver a record twice."""
        ...

    @property
    def section(self) -> str:
        """The pass's name in the window's checkpoint (`reading.checkpoint`)."""
        ...

    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        """One read of the list (of the window), noting the API's total in `tally`."""
        ...

    def count(self, source: PageSource, window: Window | None) -> int | None:
        """The API's count of the list (of the window) now; None where it has none."""
        ...


@dataclass
class Tally:
    """What one read of a window delivered, and what the API said it holds."""

    key_fields: tuple[str, ...] = ()
    """Count distinct records by these fields (a read that may deliver a record twice);
    empty: count every record delivered."""
    expected: int | None = None
    """The API's count when the read began (a v3 list's first page), if it gave one."""
    carried: int = 0
    """Records of the window an earlier, killed run wrote (a read resumed from its checkpoint)."""
    progress: Progress | None = None
    """The stream's progress line, told the totals as they come (its time left)."""
    _keys: set[t.Any] = field(default_factory=set)
    _unkeyed: int = 0

    @property
    def records(self) -> int:
        return self.carried + len(self._keys) + self._unkeyed

    def add(self, page: Page) -> None:
        fields = self.key_fields
        if not fields:
            self._unkeyed += len(page)
            return
        for record in page:
            key = tuple(record.get(name) for name in fields)
            if all(value is None for value in key):
                self._unkeyed += 1  # keyed only later (`prepare_page`): counted as it comes
            else:
                self._keys.add(key)

    def expect(self, total: int | None) -> None:
        """The total the read's first page gave (later pages' totals are not used)."""
        if self.expected is None:
            self.expected = total
            if total is not None and self.progress is not None:
                self.progress.expect(total)

    def expect_more(self, total: int | None) -> None:
        """A total for one more part of the read (a per-parent list's first page)."""
        if total is not None:
            self.expected = (self.expected or 0) + total
            if self.progress is not None:
                self.progress.expect(total)


def verified_pages(pager: CountedRead, source: PageSource, window: Window | None) -> Iterator[Page]:
    """The pager's pages, read again when the API counts more records than were read.

    A read resumed from a checkpoint counts what the killed run wrote too; a read found
    short is read again from the window's beginning, and a run that gives up leaves no
    checkpoint of the pass, so the next run reads the window whole.
    """
    problem = ""
    marks = window.checkpoint.section(pager.section) if window is not None else None
    for attempt in range(1, READS + 1):
        keys = tuple(name for name in source.primary_keys if name != "store_hash")
        tally = Tally(key_fields=keys if pager.repeats else ())
        tally.carried = marks.carried if marks is not None and marks.resumed is not None else 0
        tally.progress = window.checkpoint.progress if window is not None and attempt == 1 else None
        for page in pager.read(source, window, tally):
            tally.add(page)
            yield page
        problem = shortfall(pager, source, window, tally)
        if not problem:
            return
        if marks is not None:
            marks.restart()
        if attempt < READS:
            source.logger.warning(
                "Stream '%s' (store %s): %s; reading it again.",
                source.name,
                source.store.store_hash,
                problem,
            )
    where = f" {window.describe()}" if window is not None else ""
    raise IncompleteWindowError(
        f"Stream '{source.name}' (store {source.store.store_hash}): {problem}, "
        f"after reading{where} {READS} times. The bookmark did not move: run the sync again "
        "(if this repeats, the API is returning incomplete pages)."
    )


def shortfall(pager: CountedRead, source: PageSource, window: Window | None, tally: Tally) -> str:
    """What is missing from a read ('' when nothing is), asking for a fresh count if needed."""
    if tally.expected is not None and tally.records >= tally.expected:
        return ""
    now = pager.count(source, window)
    if now is None:
        if tally.expected is None:
            return ""  # the API offers no count for this read
        now = tally.expected
    if tally.records >= now:
        return ""  # records left the window while it was read (edited after its end)
    return f"read {tally.records} records where the API counts {now}"


def check_page(limit: int) -> t.Callable[[t.Any], None]:
    """A check that a page holds no more records than asked for."""

    def check(body: t.Any) -> None:
        records = records_of(body)
        if len(records) > limit:
            raise InvalidResponseError(f"{len(records)} records where at most {limit} were asked")

    return check


def check_keyset_page(
    limit: int, after_id: int, up_to_id: int | None, *, descending: bool
) -> t.Callable[[t.Any], None]:
    """A check of a keyset page: its length, and ids in `(after_id, up_to_id]`, in order."""
    length = check_page(limit)

    def check(body: t.Any) -> None:
        length(body)
        previous: int | None = None
        for record in records_of(body):
            value = record.get("id") if hasattr(record, "get") else None
            if type(value) is not int:
                raise InvalidResponseError(f"a record whose id is {value!r}, not an integer")
            if value <= after_id or (up_to_id is not None and value > up_to_id):
                upper = "" if up_to_id is None else f", at most {up_to_id}"
                raise InvalidResponseError(
                    f"id {value} outside the range asked for (above {after_id}{upper})"
                )
            if previous is not None and (value >= previous if descending else value <= previous):
                raise InvalidResponseError(f"ids out of order ({previous}, then {value})")
            previous = value

    return check


def records_of(body: t.Any) -> list[t.Any]:
    """The records of a decoded page body (a v2 list, or a v3 body's `data`)."""
    if body is None:
        return []
    if isinstance(body, list):
        return body
    data = body.get("data") if isinstance(body, dict) else getattr(body, "data", None)
    return data if isinstance(data, list) else []
