"""Incremental windows: which records one run reads, and when the bookmark may move.

Each incremental stream reads a window `[bookmark, window_end]` per store, fixed when
the stream starts: the start is the stream's bookmark (or `start_date`), the end the
store's clock minus a lag, the same for every stream of the run (DESIGN §3). Pagers
page through the window by keyset, so a record edited during the sync leaves it and is
read by the next run, and nothing shifts out of the pages still to come.

The bookmark moves to the window's end only once the whole window has been read and
written. A run that stops earlier leaves the old bookmark and, for pagers that keep one,
a checkpoint of the window's read (`checkpoint`): the next run reads the same window
from there, not from its beginning.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass, field

from tap_bigcommerce import sdk_seam
from tap_bigcommerce.dates import format_timestamp, parse_timestamp
from tap_bigcommerce.reading.checkpoint import Checkpoint, saved_progress

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context
    from singer_sdk.streams import Stream

    from tap_bigcommerce.context import StoreContext


@dataclass(frozen=True)
class Window:
    """The inclusive range of replication-key values one run reads."""

    start: dt.datetime | None
    end: dt.datetime
    checkpoint: Checkpoint = field(
        default_factory=lambda: Checkpoint(None, None, window_start=None, window_end=""),
        compare=False,
    )
    """Where the read of this window stands (resumed from the state, or fresh)."""

    @property
    def is_empty(self) -> bool:
        return self.start is not None and self.start > self.end

    def describe(self) -> str:
        start = format_timestamp(self.start) if self.start else "the beginning"
        return f"from {start} to {format_timestamp(self.end)} (inclusive)"


def open_window(stream: Stream, context: Context | None, store: StoreContext) -> Window:
    """This run's window for the stream and store, logged so a user sees what is read.

    A checkpoint in the state for the window that starts at the bookmark resumes that
    window, with the end it was frozen at; any other checkpoint is stale and dropped.
    """
    saved = saved_progress(stream, context)
    window = frozen_window(stream, context, store, stream.get_starting_timestamp(context), saved)
    resumed = window.checkpoint.saved_sections
    if resumed is not None:
        left = sum(len(section["positions"]) for section in resumed.values())
        stream.logger.info(
            "Stream '%s': resuming the read of %s %s from its checkpoint (%d parts left).",
            stream.name,
            stream.replication_key,
            window.describe(),
            left,
        )
        return window
    if saved is not None:
        window.checkpoint.done()  # a checkpoint of another window: stale
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


def frozen_window(
    stream: Stream,
    context: Context | None,
    store: StoreContext,
    start: dt.datetime | None,
    saved: dict[str, t.Any] | None,
    *,
    sink: t.Callable[[dict[str, t.Any]], None] | None = None,
) -> Window:
    """The window from `start`: to the end a checkpoint of it froze (`saved`, if it is of
    this start), else to the store's clock. `sink`: where its checkpoint's saves go
    instead of the state (a read ahead of its turn, `ahead`)."""
    start_text = format_timestamp(start) if start else None
    resumed = saved if saved is not None and saved.get("window_start") == start_text else None
    end = parse_timestamp(resumed["window_end"]) if resumed else store.clock.window_end()
    checkpoint = Checkpoint(
        stream,
        context,
        window_start=start_text,
        window_end=resumed["window_end"] if resumed else format_timestamp(end),
        resumed=resumed,
        sink=sink,
    )
    return Window(start=start, end=end, checkpoint=checkpoint)


def commit_window(stream: Stream, context: Context | None, window: Window) -> None:
    """Move the bookmark to the window's end, now that the whole window was written.

    The window's end, not the largest value seen, is what makes the next run start
    exactly where this one's window stopped.
    """
    window.checkpoint.done()
    if not window.is_empty:
        sdk_seam.set_bookmark_when_done(stream, context, format_timestamp(window.end))
