"""Reading the next streams before their turn, so that a run's streams overlap.

The SDK syncs one stream after another, and every stream opens with requests that wait
on each other: a keyset list's first page, then its last page, then the ranges between;
a cursor list's first page, then its parts. At a second per request that is seconds per
stream in which the quota sits idle, and a run of many small streams is mostly such
waits. So while one stream is written, the next few are already read, on threads of
their own, sharing the store's rate budget: each holds at most `PAGES_AHEAD` pages until
its turn, so memory stays bounded. A read ahead takes only the quota the stream being
written leaves unused (its requests are not `urgent`), except for its opening requests
(`pages.opening`), so that it can go on at full speed the moment its turn comes.

A read ahead writes nothing. The main thread writes every message, in the SDK's order:
the read's pages and its checkpoint saves wait in one queue (`handoff`), each save to be
put in the state once the pages before it are written, exactly as a read on its turn
does. Its window is the one its turn will open, predicted from the state without
writing to it (`sdk_seam.starting_value_ahead`), and compared when the turn comes: a read
whose window differs is dropped and the stream is read on its turn as before (only its
requests are lost).

Only a stream's first store is read ahead: a stream object reads one store at a time.
"""

from __future__ import annotations

import logging
import threading
import typing as t
from collections.abc import Callable, Iterator

from tap_bigcommerce import sdk_seam
from tap_bigcommerce.context import StoreContexts
from tap_bigcommerce.dates import parse_timestamp
from tap_bigcommerce.reading.checkpoint import PROGRESS_KEY, valid_progress
from tap_bigcommerce.reading.handoff import Handoff
from tap_bigcommerce.reading.windows import Window, frozen_window

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_bigcommerce.context import StoreContext
    from tap_bigcommerce.reading.pages import Page
    from tap_bigcommerce.reading.progress import Progress

PAGES_AHEAD = 8
"""Pages a read ahead may hold before its turn (a page of orders is a few MB)."""


class AheadSource(t.Protocol):
    """What a read ahead needs of its stream (`streams.base.BigCommerceStream`)."""

    name: str
    logger: logging.Logger
    ahead_of_turn: bool
    """True while read ahead: its requests yield to the stream being written."""

    def enter_store(self, store: StoreContext) -> None: ...

    def new_progress(self, store: StoreContext) -> Progress: ...

    def read(self, window: Window | None) -> Iterator[Page]: ...


def predicted_window(
    stream: t.Any, context: Context, store: StoreContext, sink: Callable[[dict[str, t.Any]], None]
) -> Window:
    """The window `windows.open_window` will open for the stream, read without writing state.

    Its checkpoint sends saves to `sink` instead of the state.
    """
    value = sdk_seam.starting_value_ahead(stream, context)
    start = parse_timestamp(str(value)) if value else None
    saved = valid_progress(sdk_seam.peek_context_state(stream, context).get(PROGRESS_KEY))
    return frozen_window(stream, context, store, start, saved, sink=sink)


class ReadAhead:
    """One stream's read of one store, started before its turn (see the module docstring)."""

    def __init__(self, stream: AheadSource, context: Context, store: StoreContext) -> None:
        self.stream_name = stream.name
        self.store_hash = store.store_hash
        self._handoff = Handoff(room=PAGES_AHEAD)
        self.progress = stream.new_progress(store)
        self.window: Window | None = None
        self._stream = stream
        self._store = store
        self._context = context

    def start(self, *, windowed: bool) -> bool:
        """Begin reading; False when there is nothing to read ahead (an empty window)."""
        if windowed:
            window = predicted_window(self._stream, self._context, self._store, self._handoff.save)
            if window.is_empty:
                return False
            window.checkpoint.progress = self.progress
            self.window = window
        self._stream.enter_store(self._store)
        self._stream.ahead_of_turn = True
        self._stream.logger.info(
            "Stream '%s' (store %s): read ahead of its turn, while earlier streams are "
            "written (its records follow theirs).",
            self.stream_name,
            self.store_hash,
        )
        stream, predicted = self._stream, self.window
        self._handoff.start(lambda: stream.read(predicted), name=f"ahead-{self.stream_name}")
        return True

    def matches(self, window: Window | None) -> bool:
        """Whether this read is of the window the stream's turn opened."""
        ahead = self.window
        if window is None or ahead is None:
            return window is None and ahead is None
        return (
            ahead.start == window.start
            and ahead.end == window.end
            and ahead.checkpoint.saved_sections == window.checkpoint.saved_sections
        )

    def pages(self, apply_save: Callable[[dict[str, t.Any]], None]) -> Iterator[Page]:
        """The read's pages, on the main thread; each save is applied where it was made."""
        return self._handoff.pages(apply_save)

    def close(self) -> None:
        """Stop reading (the read's requests in flight end on their own)."""
        self._handoff.close()


class AheadStores(StoreContexts, t.Protocol):
    """What the streams need of the tap to read ahead: its reads and the SDK's order."""

    @property
    def read_aheads(self) -> ReadAheads: ...

    def sync_order(self) -> list[t.Any]:
        """The streams the SDK syncs itself, in the order it syncs them."""
        ...


class ReadAheads:
    """The reads started ahead of their turn in one run, and which to start next."""

    def __init__(self, *, depth: int) -> None:
        self.depth = depth
        """How many streams after the current one are read ahead (0: none)."""
        self._lock = threading.Lock()
        self._started: set[tuple[str, str]] = set()
        self._waiting: dict[tuple[str, str], ReadAhead] = {}

    def take(self, stream_name: str, store_hash: str) -> ReadAhead | None:
        """The read started ahead for this stream and store, if any (once)."""
        with self._lock:
            return self._waiting.pop((stream_name, store_hash), None)

    def start_after(
        self,
        current: str,
        order: list[t.Any],
        store: StoreContext,
        context: Context,
    ) -> None:
        """Read ahead the `depth` streams that follow `current` in the run's `order`."""
        if self.depth <= 0:
            return
        names = [stream.name for stream in order]
        if current not in names:
            return
        following = order[names.index(current) + 1 :][: self.depth]
        for stream in following:
            key = (stream.name, store.store_hash)
            with self._lock:
                if key in self._started:
                    continue
                self._started.add(key)
            ahead = ReadAhead(stream, dict(context), store)
            if ahead.start(windowed=stream.pager.windowed):
                with self._lock:
                    self._waiting[key] = ahead

    def close(self) -> None:
        """Stop every read not taken (the run ends, or failed before their turn)."""
        with self._lock:
            waiting, self._waiting = list(self._waiting.values()), {}
        for ahead in waiting:
            ahead.close()
