"""A read on a thread of its own whose pages and checkpoint saves reach the consumer in order.

Only the consumer's thread may write: records to stdout, checkpoints to the state. A read
run elsewhere (a stream read ahead of its turn, orders' deleted pass read while the live
one is written) therefore hands over both, in one queue: a save made after a page waits
behind that page, so it is put in the state only once the page is written, exactly as if
the read had run on the consumer's thread. At most `room` pages wait, so memory stays
bounded however far the read could run ahead.
"""

from __future__ import annotations

import queue
import threading
import typing as t
from collections.abc import Callable, Iterator

from tap_bigcommerce import cancel

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.pages import Page

POLL_SECONDS = 0.2
"""Longest wait on the queue before checking for cancellation or a stop."""

_PAGE, _SAVE, _ERROR, _END = "page", "save", "error", "end"


class Handoff:
    """One read's pages and saves, queued for the consumer (see the module docstring)."""

    def __init__(self, *, room: int) -> None:
        self._items: queue.Queue[tuple[str, t.Any]] = queue.Queue()
        self._room = threading.Semaphore(room)
        self._stop = threading.Event()

    def start(self, read: Callable[[], Iterator[Page]], *, name: str) -> None:
        """Run `read` on a thread; its checkpoint must send its saves to `save`."""
        threading.Thread(target=self._run, args=(read,), name=name, daemon=True).start()

    def save(self, saved: dict[str, t.Any]) -> None:
        """A checkpoint sink: the save waits behind the pages read before it."""
        self._items.put((_SAVE, saved))

    def _run(self, read: Callable[[], Iterator[Page]]) -> None:
        pages = read()
        try:
            for page in pages:
                while not self._room.acquire(timeout=POLL_SECONDS):
                    if self._stop.is_set():
                        return
                if self._stop.is_set():
                    return
                self._items.put((_PAGE, page))
            self._items.put((_END, None))
        except BaseException as exc:  # raised on the consumer's thread, in its place
            self._items.put((_ERROR, exc))
        finally:
            close = getattr(pages, "close", None)
            if close is not None:
                close()  # its parallel readers stop

    def pages(self, apply_save: Callable[[dict[str, t.Any]], None]) -> Iterator[Page]:
        """The read's pages, on the consumer's thread; each save is applied where it was made."""
        try:
            while True:
                kind, value = self._next()
                if kind == _PAGE:
                    self._room.release()
                    yield value
                elif kind == _SAVE:
                    apply_save(value)
                elif kind == _ERROR:
                    raise value
                else:
                    return
        finally:
            self.close()

    def _next(self) -> tuple[str, t.Any]:
        while True:
            cancel.check()
            try:
                return self._items.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue

    def close(self) -> None:
        """Stop reading (the read's requests in flight end on their own)."""
        self._stop.set()
