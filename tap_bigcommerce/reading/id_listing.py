"""Listing which ids a store has now, as cheaply as each list allows (deletion sweeps).

A sweep (`sweep`) needs every id of a list, and the ids embedded children have, at the
fewest requests: 250 records a page, the smallest payload the list takes
(`include_fields`), and paging that no edit or delete during the listing can shift, so
that an id that exists is never missed (a missed id would be reported deleted):

* `V3IdKeyset`: a v3 list filtering on id (products): `id:greater`/`id:max` pages in
  ascending id, the middle split into id ranges read in parallel once the first and last
  pages show it holds several pages each (as the keyset pagers do).
* `V3IdCursor`: a v3 cursor list (customers): the server's cursor, one page after another.

Each also answers `still_there`: which of some ids exist now, by `id:in` (250 a request),
the check a sweep that took its ids from a page-numbered read makes before it reports
anything deleted. `V2IdRange` is that check for a v2 list (`min_id`/`max_id`).
"""

from __future__ import annotations

import abc
import functools
import typing as t
from collections.abc import Iterator, Sequence

from typing_extensions import override

from tap_bigcommerce.reading.cursor import read_cursor_pages
from tap_bigcommerce.reading.id_ranges import IdRanges
from tap_bigcommerce.reading.pages import PAGE_SIZE, Page, PageSource, expect_list, expect_v3
from tap_bigcommerce.reading.parallel import merge_concurrently
from tap_bigcommerce.reading.ranges import split_id_range
from tap_bigcommerce.reading.verify import check_keyset_page

QUEUED_PAGES = 4

SWEEP_PAGES_PER_RANGE = 8
"""A sweep lists every id of a table in the background of a run: fewer, longer ranges
than a read's, since each range's partly filled last page is a request that lists
nothing new (a read needs the parallelism more)."""


class IdListing(abc.ABC):
    """How a sweep lists a list's ids, and checks whether some ids still exist."""

    def list_pages(self, source: PageSource, include: Sequence[str]) -> Iterator[Page]:
        """Every record of the list (ids, and `include`'s embedded children), a page at a time."""
        raise NotImplementedError(f"{type(self).__name__} cannot list a whole list")

    @abc.abstractmethod
    def still_there(self, source: PageSource, ids: IdRanges) -> set[int]:
        """Which of `ids` the list holds now."""


def _v3_still_there(source: PageSource, ids: IdRanges, params: dict[str, t.Any]) -> set[int]:
    wanted = list(ids)
    found: set[int] = set()
    for start in range(0, len(wanted), PAGE_SIZE):
        chunk = wanted[start : start + PAGE_SIZE]
        body = source.get({**params, "id:in": ",".join(map(str, chunk)), "limit": PAGE_SIZE})
        page, _ = expect_v3(body, source)
        found.update(int(record["id"]) for record in page)
    return found & set(wanted)


class V3IdKeyset(IdListing):
    """A v3 list by id keyset (see the module docstring).

    `include_fields`: the smallest field the list's `include_fields` takes (`id` always
    comes back; some lists' specs do not allow `id` itself there).
    """

    def __init__(self, *, include_fields: str | None = None) -> None:
        self.include_fields = include_fields

    def _params(self, include: Sequence[str]) -> dict[str, t.Any]:
        params: dict[str, t.Any] = {}
        if self.include_fields:
            params["include_fields"] = self.include_fields
        if include:
            params["include"] = ",".join(include)
        return params

    def _page(
        self,
        source: PageSource,
        params: dict[str, t.Any],
        after_id: int,
        up_to_id: int | None,
        *,
        descending: bool = False,
    ) -> Page:
        query = {
            **params,
            "sort": "id",
            "direction": "desc" if descending else "asc",
            "limit": PAGE_SIZE,
            "id:greater": after_id,
        }
        if up_to_id is not None:
            query["id:max"] = up_to_id
        check = check_keyset_page(PAGE_SIZE, after_id, up_to_id, descending=descending)
        page, _ = expect_v3(source.get(query, check=check), source)
        return page

    @override
    def list_pages(self, source: PageSource, include: Sequence[str]) -> Iterator[Page]:
        params = self._params(include)
        first = self._page(source, params, 0, None)
        if first:
            yield first
        if len(first) < PAGE_SIZE:
            return
        low = int(first[-1]["id"])
        last = self._page(source, params, low, None, descending=True)
        if last:
            yield last
        if len(last) < PAGE_SIZE:
            return
        high = min(int(record["id"]) for record in last)
        workers = source.store.parallel_parts()
        producers = [
            functools.partial(self._range, source, params, after, up_to)
            for after, up_to in split_id_range(
                low, high - 1, first, last, workers=workers, min_pages=SWEEP_PAGES_PER_RANGE
            )
        ]
        yield from merge_concurrently(
            producers, workers=workers, buffer=QUEUED_PAGES, wanted=source.store.parallel_parts
        )

    def _range(
        self, source: PageSource, params: dict[str, t.Any], after_id: int, up_to_id: int
    ) -> Iterator[Page]:
        while after_id < up_to_id:
            page = self._page(source, params, after_id, up_to_id)
            if page:
                yield page
            if len(page) < PAGE_SIZE:
                return
            after_id = int(page[-1]["id"])

    @override
    def still_there(self, source: PageSource, ids: IdRanges) -> set[int]:
        return _v3_still_there(source, ids, self._params(()))


class V3IdCursor(IdListing):
    """A v3 cursor list (customers: no id range filter, but a cursor no edit can shift)."""

    @override
    def list_pages(self, source: PageSource, include: Sequence[str]) -> Iterator[Page]:
        params = {"include": ",".join(include)} if include else {}
        yield from read_cursor_pages(source, source.path, params)

    @override
    def still_there(self, source: PageSource, ids: IdRanges) -> set[int]:
        return _v3_still_there(source, ids, {})


class V3IdIn(IdListing):
    """A v3 list whose only exact id filter is `id:in` (pages, brands, categories)."""

    @override
    def still_there(self, source: PageSource, ids: IdRanges) -> set[int]:
        return _v3_still_there(source, ids, {})


class V2IdRange(IdListing):
    """A v2 list filtering on `min_id`/`max_id` (coupons): one request per range of ids."""

    @override
    def still_there(self, source: PageSource, ids: IdRanges) -> set[int]:
        found: set[int] = set()
        for low, high in ids.ranges():
            after = low - 1
            while True:
                params = {"min_id": after + 1, "max_id": high, "limit": PAGE_SIZE}
                page = expect_list(source.get(params), source)
                found.update(int(record["id"]) for record in page)
                if len(page) < PAGE_SIZE:
                    break
                after = max(int(record["id"]) for record in page)
        return {ident for ident in found if ident in ids}
