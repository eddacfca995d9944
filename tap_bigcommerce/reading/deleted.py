"""Orders' deleted pass: the same window again with `is_deleted=true`, read alongside.

BigCommerce keeps deleted (archived) orders out of the plain list; a second pass over the
window emits them with `is_deleted: true`, so a warehouse can mark or drop them.
"""

from __future__ import annotations

import dataclasses
import functools
import typing as t
from collections.abc import Iterator

from typing_extensions import override

from tap_bigcommerce.reading.handoff import Handoff
from tap_bigcommerce.reading.keyset import V2Keyset
from tap_bigcommerce.reading.pager import Pager

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.pages import Page, PageSource
    from tap_bigcommerce.reading.windows import Window

DELETED_PAGES_AHEAD = 4
"""Pages of deleted orders read while the live pass is still being written."""


class WithDeleted(Pager):
    """A v2 keyset list, then the same window again with `is_deleted=true` (orders).

    BigCommerce keeps deleted (archived) orders out of the plain list; the second pass
    emits them with `is_deleted: true`, so a warehouse can mark or drop them. It costs
    one request when nothing was deleted. Their children are not read (they are gone).

    The deleted pass is read on a thread of its own while the live one is read and
    written, its pages and checkpoint saves handed over after the live pass's
    (`handoff`): its requests, which wait on each other, no longer add their round trips
    to the end of the window.
    """

    replication_key = "date_modified"
    cost = "1 per 250 changed records + 1 per 250 deleted (at least 2)"

    def __init__(self, live: V2Keyset) -> None:
        self.live = live
        # `/count` takes no `is_deleted`: the deleted pass cannot be counted.
        self.deleted = V2Keyset({**live.params, "is_deleted": "true"}, counted=False)
        self.deleted.section = "deleted"

    @override
    def pages(self, source: PageSource, window: Window | None) -> Iterator[Page]:
        if window is None or source.store.max_workers <= 1:
            yield from self.live.pages(source, window)
            yield from self._deleted(source, window)
            return
        handoff = Handoff(room=DELETED_PAGES_AHEAD)
        forked = dataclasses.replace(window, checkpoint=window.checkpoint.fork(handoff.save))
        handoff.start(
            functools.partial(self._deleted, source, forked), name=f"deleted-{source.name}"
        )
        try:
            yield from self.live.pages(source, window)
            adopt = functools.partial(window.checkpoint.adopt, self.deleted.section)
            yield from handoff.pages(adopt)
        finally:
            handoff.close()

    def _deleted(self, source: PageSource, window: Window | None) -> Iterator[Page]:
        for page in self.deleted.pages(source, window):
            for record in page:
                record["is_deleted"] = True
            yield page
