"""Child pagers that cost no request per parent: the children come with the parents.

* `Embedded`: the API embeds the sub-resource in the parent's records (`include=`),
  so the child's records are copies of what the parent's page holds (DESIGN §3).
* `Reread`: the parents read again, a page at a time, with an include that the
  parent's own list cannot take without shrinking its pages (products' options and
  modifiers cap a page at 10). Siblings share the one re-read per page.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from typing_extensions import override

from tap_bigcommerce.reading.pager import ChildPager
from tap_bigcommerce.reading.pages import PAGE_SIZE, PageSource, Record, expect_v3
from tap_bigcommerce.typed import copy_record, is_record

Extract = Callable[[Mapping[str, t.Any]], Iterable[Record]]


def children_in(parent: Mapping[str, t.Any], field: str, parent_key: str) -> Iterator[Record]:
    """Copies of the records in the parent's list `field`, each with the parent's id.

    Each is a new record (a shallow copy): adding the parent's id and the store to a
    child must not add them to the parent's own payload.
    """
    children = parent.get(field)
    for child in children if isinstance(children, list) else ():
        if is_record(child):
            yield copy_record(child, **{parent_key: child.get(parent_key, parent["id"])})


class Embedded(ChildPager):
    """Children read from each parent record: the list `field`, or what `extract` finds."""

    def __init__(
        self,
        field: str | None = None,
        *,
        parent_key: str | None = None,
        extract: Extract | None = None,
    ) -> None:
        if extract is None:
            if field is None or parent_key is None:
                raise TypeError("Embedded needs a field and parent_key, or extract")
            list_field, key = field, parent_key

            def extract(parent: Mapping[str, t.Any]) -> Iterable[Record]:
                return children_in(parent, list_field, key)

        self.extract = extract

    @override
    def records_for(
        self, source: PageSource, parents: Sequence[Record], shared: dict[t.Any, t.Any]
    ) -> Iterator[Record]:
        for parent in parents:
            yield from self.extract(parent)


class Reread(ChildPager):
    """Children from the parents read again with `include`, `page_limit` per request.

    `id:in` over a page of parents: for products' options and modifiers a tenth of a
    request per changed product for both streams, instead of two requests per product
    from `/products/{id}/options|modifiers`.
    """

    def __init__(
        self,
        *,
        path: str,
        include: str,
        field: str,
        parent_key: str,
        page_limit: int,
        cost: str,
    ) -> None:
        self.path = path
        self.include = include
        self.field = field
        self.parent_key = parent_key
        self.page_limit = page_limit
        self.cost = cost

    @override
    def records_for(
        self, source: PageSource, parents: Sequence[Record], shared: dict[t.Any, t.Any]
    ) -> Iterator[Record]:
        key = (self.path, self.include)
        if key not in shared:
            shared[key] = self._reread(source, [parent["id"] for parent in parents])
        for parent in shared[key]:
            yield from children_in(parent, self.field, self.parent_key)

    def _reread(self, source: PageSource, ids: list[t.Any]) -> list[Mapping[str, t.Any]]:
        found: dict[t.Any, Mapping[str, t.Any]] = {}
        for start in range(0, len(ids), PAGE_SIZE):
            chunk = ",".join(str(i) for i in ids[start : start + PAGE_SIZE])
            page_number = 1
            while True:
                body = source.get(
                    {
                        "id:in": chunk,
                        "include": self.include,
                        # The smallest field the spec's enum allows (`id` always comes
                        # back, and is not in the enum: a strict server refuses it).
                        "include_fields": "type",
                        "page": page_number,
                        "limit": self.page_limit,
                    },
                    path=self.path,
                )
                page, pagination = expect_v3(body, source)
                for parent in page:
                    found[parent["id"]] = parent
                if not page or pagination.get("total_pages", 1) <= page_number:
                    break
                page_number += 1
        return list(found.values())
