"""Incremental windows: which records one run reads, and when the bookmark may move.

Each incremental stream reads a window `[bookmark, window_end]` per store, fixed when
the stream starts: the start is the stream's bookmark (or `start_date`), the end the
store's clock minus a lag, the same for every stream of the run (DESIGN §3). Pagers
page through the window by keyset, so a record edited during the sync leaves it and is
read by the next run, and nothing shifts out of the pages still to come.

The bookmark moves to the window's end only once the whole window has been read and
written; a run that stops earlier leaves the old bookmark, and the next run reads the
window again.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass

from tap_bigcommerce import sdk_seam
from tap_bigcommerce.dates import format_timestamp

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context
    from singer_sdk.streams import Stream

    from tap_bigcommerce.context import StoreContext


@dataclass(frozen=True)
class Window:
    """The inclusive range of replication-key values one run reads."""

    start: dt.datetime | None
    end: dt.datetime

    @property
    def is_empty(self) -> bool:
        return self.start is not None and self.start > self.end

    def describe(self) -> str:
        start = format_timestamp(self.start) if self.start else "the beginning"
        return f"from {start} to {format_timestamp(self.end)} (inclusive)"


def open_window(stream: Stream, context: Context | None, store: StoreContext) -> Window:
    """This run's window for the stream and store, logged so a user sees what is read."""
    window = Window(start=stream.get_starting_timestamp(context), end=store.clock.window_end())
    if window.is_empty:
        stream.logger.info(
            "Stream '%s': bookmark %s is after the window end %s; nothing to read.",
            stream.name,
            window.start,
            window.end,
        )
    else:
        stream.logger.info(
            "Stream '%s': reading %s %s.", stream.name, stream.replication_key, window.describe()
        )
    return window


def commit_window(stream: Stream, context: Context | None, window: Window) -> None:
    """Move the bookmark to the window's end, now that the whole window was written.

    The window's end, not the largest value seen, is what makes the next run start
    exactly where this one's window stopped.
    """
    if not window.is_empty:
        sdk_seam.set_bookmark_when_done(stream, context, format_timestamp(window.end))
