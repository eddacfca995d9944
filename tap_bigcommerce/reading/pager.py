"""The two kinds of pager: how a stream's records are read, declared as an attribute.

A top-level stream declares a `Pager`, which reads its list (inside the run's window
when the pager is windowed); a child stream declares a `ChildPager`, which turns each
page of its parent's records into the child's records. Pagers hold only their
declaration (parameters, includes), never a run's progress, so one instance serves
every store and every run; what a read needs arrives as arguments.
"""

from __future__ import annotations

import abc
import typing as t
from collections.abc import Iterator, Sequence

from typing_extensions import override

from tap_bigcommerce.reading.verify import verified_pages

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.pages import Page, PageSource, Record
    from tap_bigcommerce.reading.verify import Tally
    from tap_bigcommerce.reading.windows import Window


class Pager(abc.ABC):
    """How a top-level stream's records are read, a page at a time."""

    replication_key: t.ClassVar[str | None] = None
    """The field the window filters on; None for a list read whole on every run."""
    cost: str = "1 per 250 records"
    """What one run costs in requests (the README's streams table)."""

    @property
    def windowed(self) -> bool:
        return self.replication_key is not None

    @abc.abstractmethod
    def pages(self, source: PageSource, window: Window | None) -> Iterator[Page]:
        """Every record of the list (of the window, when windowed), a page at a time."""


class VerifiedPager(Pager):
    """A pager whose reads are checked against the API's count (`reading.verify`)."""

    repeats: t.ClassVar[bool] = False
    """Whether one read may deliver a record twice (its distinct ids are counted then)."""
    section: str = "read"
    """The name of this pass in the window's checkpoint (`reading.checkpoint`)."""

    @override
    def pages(self, source: PageSource, window: Window | None) -> Iterator[Page]:
        yield from verified_pages(self, source, window)

    @abc.abstractmethod
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        """One read of the list (of the window), noting the API's total in `tally`."""

    def count(self, source: PageSource, window: Window | None) -> int | None:
        """The API's count of the list (of the window) now; None where it has none."""
        del source, window
        return None


class ChildPager(abc.ABC):
    """How a child stream's records come out of each page of its parent's records."""

    cost: str = "0 (inside its parent's pages)"
    per_parent_requests: t.ClassVar[bool] = False
    """Whether the child costs requests for each parent (such streams are not selected
    by default: their cost grows with the parent's table)."""

    @abc.abstractmethod
    def records_for(
        self, source: PageSource, parents: Sequence[Record], shared: dict[t.Any, t.Any]
    ) -> Iterator[Record]:
        """The child records of these parents, in parent order.

        `shared` lives as long as the parents' page and is the same for every child of
        the parent: siblings that need one extra read of the page share it there.
        """
