"""Bounded parallel fetching whose results come back to the caller's thread.

The SDK must see records on its own (main) thread, one stream at a time. HTTP
work, though, is mostly waiting on the store; running several page readers at
once keeps the store's quota, not latency, the limit. Readers put pages into a
bounded queue (memory stays flat however large the store), the main thread takes
them out in completion order, and an error in any reader stops the others and is
raised on the main thread.
"""

from __future__ import annotations

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
    producers: Sequence[Callable[[], Iterable[T]]], *, workers: int, buffer: int
) -> Iterator[T]:
    """Run each producer on its own worker thread; yield their items as they come.

    At most `workers` producers run at once and at most `buffer` items wait in the
    queue. Closing the returned iterator early stops the producers.
    """
    if len(producers) <= 1 or workers <= 1:
        for produce in producers:
            yield from produce()
        return
    items: queue.Queue[object] = queue.Queue(maxsize=max(buffer, 1))
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False  # the consumer has gone: nobody needs the item

    def run(produce: Callable[[], Iterable[T]]) -> None:
        try:
            for item in produce():
                if not put(item):
                    return
        except BaseException as exc:
            put(_Failure(exc))
        finally:
            put(_DONE)

    pool = ThreadPoolExecutor(max_workers=min(workers, len(producers)), thread_name_prefix="fetch")
    try:
        for produce in producers:
            pool.submit(run, produce)
        finished = 0
        while finished < len(producers):
            item = items.get()
            if item is _DONE:
                finished += 1
            elif isinstance(item, _Failure):
                raise item.error
            else:
                yield t.cast("T", item)
    finally:
        stop.set()  # producers stop at their next item; none can block on the queue
        pool.shutdown(wait=True, cancel_futures=True)


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
