"""Bounded parallel fetching whose results come back to the caller's thread.

The SDK must see records on its own (main) thread, one stream at a time. HTTP
work, though, is mostly waiting on the store; running several page readers at
once keeps the store's quota, not latency, the limit. Readers put pages into a
bounded queue (memory stays flat however large the store), the main thread takes
them out in completion order, and an error in any reader stops the others and is
raised on the main thread.
"""

from __future__ import annotations

import collections
import queue
import threading
import typing as t
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

T = t.TypeVar("T")
R = t.TypeVar("R")

_DONE = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def merge_concurrently(
    producers: Sequence[Callable[[], Iterable[T]]],
    *,
    workers: int,
    buffer: int,
    wanted: Callable[[], int] | None = None,
) -> Iterator[T]:
    """Run each producer on its own worker thread; yield their items as they come.

    At most `workers` producers run at once, fetching ahead as `GrowingMerge` says.
    Closing the returned iterator early stops the producers.
    """
    if len(producers) <= 1:
        workers = 1  # no thread for a single producer
    with GrowingMerge[T](workers=workers, buffer=buffer, wanted=wanted) as merge:
        for produce in producers:
            merge.submit(produce)
        yield from merge


class GrowingMerge(t.Generic[T]):
    """`merge_concurrently` for work that grows: the consumer may submit more producers
    while it takes items (a part of a list found too large is split into more parts).

    Iteration ends when every producer submitted so far is done. With one worker the
    producers run one after another on the consumer's thread.

    Producers fetch ahead of the consumer only as far as it keeps up: each item fetched
    and not yet taken holds one of `ahead` permits. When the consumer finds no item
    waiting (the store is the bottleneck: latency), at once as many permits as the
    store's requests in flight may be (`wanted`, e.g. the rate budget's limit; never
    more), or one more without it, up to `workers`. When items pile up (the main thread
    is the bottleneck: CPU), one fewer, down to `buffer`, but never below `wanted`: a
    pile is not always a consumer slower than the store (a read ahead's pages at its
    turn, written while the quota would sit unused if each page taken did not let one
    more be fetched). So a fast store cannot fill memory with decoded pages (a page of
    orders with line items is several MB), and a slow one gets every request in flight
    it needs at once, not one more per page (after a read held back waiting for its
    turn, say).
    """

    def __init__(
        self, *, workers: int, buffer: int, wanted: Callable[[], int] | None = None
    ) -> None:
        self._workers = workers
        self._wanted = wanted
        self._floor = max(buffer, 1)
        self._items: queue.Queue[object] = queue.Queue()  # bounded by the permits
        self._stop = threading.Event()
        self._waiting: collections.deque[Callable[[], Iterable[T]]] = collections.deque()
        self._running = 0
        self._pool: ThreadPoolExecutor | None = None
        self._permits = threading.Condition()
        # Nothing is fetched yet: the consumer is waiting from the start.
        self._ahead = self._bounded(0, wanted() if wanted is not None else None)
        self._taken = 0

    def __enter__(self) -> GrowingMerge[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()  # producers stop at their next item; none can block on the queue
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, produce: Callable[[], Iterable[T]]) -> None:
        self._waiting.append(produce)

    @property
    def busy(self) -> int:
        """Producers running or waiting to run (the consumer's thread only)."""
        return self._running + len(self._waiting)

    def __iter__(self) -> Iterator[T]:
        while self._waiting or self._running:
            if self._workers <= 1:
                yield from self._waiting.popleft()()
                continue
            while self._waiting and self._running < self._workers:
                self._start(self._waiting.popleft())
            starved = self._items.empty()
            item = self._items.get()
            if item is _DONE:
                self._running -= 1
            elif isinstance(item, _Failure):
                raise item.error
            else:
                self._give(grow=starved, shrink=self._items.qsize() > 1)
                yield t.cast("T", item)

    def _start(self, produce: Callable[[], Iterable[T]]) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="fetch")
        self._running += 1
        self._pool.submit(self._run, produce)

    def _take(self) -> bool:
        """A permit to fetch one item ahead of the consumer (False: the consumer has gone)."""
        with self._permits:
            while self._taken >= self._ahead and not self._stop.is_set():
                self._permits.wait(0.1)
            if self._stop.is_set():
                return False
            self._taken += 1
            return True

    def _give(self, *, grow: bool = False, shrink: bool = False) -> None:
        ahead = self._ahead
        wanted = self._wanted() if self._wanted is not None else None
        if grow:
            if wanted is None:
                ahead += 1  # with `wanted`, `_bounded` takes it there at once
        elif shrink:
            ahead -= 1
        with self._permits:
            self._taken -= 1
            self._ahead = self._bounded(ahead, wanted)
            self._permits.notify_all()

    def _bounded(self, ahead: int, wanted: int | None) -> int:
        """`ahead` permits kept from `buffer` (or `wanted`, if more) to `workers`."""
        floor = self._floor if wanted is None else max(self._floor, wanted)
        return min(self._workers, max(floor, ahead))

    def _run(self, produce: Callable[[], Iterable[T]]) -> None:
        try:
            items = iter(produce())
            while self._take():
                try:
                    item = next(items)
                except StopIteration:
                    self._give()
                    return
                except BaseException:
                    self._give()
                    raise
                self._items.put(item)
        except BaseException as exc:
            self._items.put(_Failure(exc))
        finally:
            self._items.put(_DONE)


def map_in_order(
    function: Callable[[T], R], arguments: list[T], *, pool: ThreadPoolExecutor | None
) -> Iterator[R]:
    """`function` over `arguments` on the pool, results in argument order."""
    if pool is None or len(arguments) <= 1:
        for argument in arguments:
            yield function(argument)
        return
    futures: list[Future[R]] = [pool.submit(function, argument) for argument in arguments]
    try:
        for future in futures:
            yield future.result()
    finally:
        for future in futures:
            future.cancel()
