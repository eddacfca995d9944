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

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.pages import Page, PageSource, Record
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
