"""Per-parent pagers: lists that exist only below each parent record.

Two shapes (DESIGN §3, few requests):

* `PerParent`, a child pager: the sub-resource has no include and no store-wide list,
  so each parent the parent stream read in this run costs a request (more, paged at
  250). Requests run concurrently on the store's child pool, results in parent order.
* `PerParentWindow`, a top-level pager: the parents are a short list (price lists,
  channels) read whole, and each parent's children are read inside the run's one
  `date_modified` window, so the bookmark stays one value per store and an unchanged
  parent costs a single empty page.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterator, Mapping, Sequence

from typing_extensions import override

from tap_bigcommerce.errors import NotFoundError
from tap_bigcommerce.reading.cursor import read_cursor_pages, window_params
from tap_bigcommerce.reading.numbered import read_numbered_pages
from tap_bigcommerce.reading.pager import ChildPager, VerifiedPager
from tap_bigcommerce.reading.pages import Page, PageSource, Record
from tap_bigcommerce.reading.parallel import map_in_order
from tap_bigcommerce.reading.single import read_whole_list

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.verify import Tally
    from tap_bigcommerce.reading.windows import Window

PageReader = Callable[[PageSource, str], Iterator[Page]]


def numbered(source: PageSource, path: str) -> Iterator[Page]:
    """A per-parent list paged by page number (v2 or v3)."""
    return read_numbered_pages(source, path)


def whole(source: PageSource, path: str) -> Iterator[Page]:
    """A per-parent list the API answers in one request (no paging documented)."""
    return read_whole_list(source, path)


def cursor(source: PageSource, path: str) -> Iterator[Page]:
    """A per-parent list paged by cursor."""
    return read_cursor_pages(source, path)


class PerParent(ChildPager):
    """One list per parent at `source.path` with `{parent_id}` filled in.

    `parent_key` names the field that carries the parent's id in the child records;
    `only` picks the parents that can have children (the others cost nothing).
    """

    cost = "1 per parent read in the run (per 250 children)"
    per_parent_requests = True

    def __init__(
        self,
        parent_key: str,
        *,
        paging: PageReader = numbered,
        only: Callable[[Mapping[str, t.Any]], bool] | None = None,
        cost: str | None = None,
    ) -> None:
        self.parent_key = parent_key
        self.paging = paging
        self.only = only
        if cost is not None:
            self.cost = cost

    @override
    def records_for(
        self, source: PageSource, parents: Sequence[Record], shared: dict[t.Any, t.Any]
    ) -> Iterator[Record]:
        if self.only is not None:
            parents = [parent for parent in parents if self.only(parent)]

        def children_of(parent: Mapping[str, t.Any]) -> list[Record] | None:
            path = source.path.format(parent_id=parent["id"])
            try:
                return [record for page in self.paging(source, path) for record in page]
            except NotFoundError as exc:
                if exc.path != path:
                    raise
                return None  # the parent was deleted since its page was read

        gone = []
        results = map_in_order(children_of, list(parents), pool=source.store.child_pool)
        for parent, records in zip(parents, results, strict=True):
            if records is None:
                gone.append(parent["id"])
                continue
            for record in records:
                record.setdefault(self.parent_key, parent["id"])
                yield record
        if gone:
            source.logger.info(
                "Stream '%s': %d parents were gone (HTTP 404) when their children were "
                "read, most likely deleted during the sync; skipped: %s",
                source.name,
                len(gone),
                ", ".join(map(str, gone[:20])) + (" ..." if len(gone) > 20 else ""),
            )


class PerParentWindow(VerifiedPager):
    """Each parent's `date_modified` window, parents listed whole at `parent_path`."""

    replication_key = "date_modified"
    cost = "1 per 250 parents + 1 per parent (per 250 changed records)"
    repeats = True

    def __init__(self, *, parent_path: str, parent_key: str, parent_name: str) -> None:
        self.parent_path = parent_path
        self.parent_key = parent_key
        self.parent_name = parent_name
        """The stream that reads the parents (the README's streams table names it)."""

    @override
    def read(self, source: PageSource, window: Window | None, tally: Tally) -> Iterator[Page]:
        assert window is not None, "PerParentWindow reads a window"
        params = window_params(window)
        parent_ids = [
            parent["id"]
            for page in read_numbered_pages(source, self.parent_path)
            for parent in page
        ]
        for parent_id in parent_ids:
            path = source.path.format(parent_id=parent_id)
            for page in read_cursor_pages(source, path, params, on_total=tally.expect_more):
                for record in page:
                    record.setdefault(self.parent_key, parent_id)
                yield page
