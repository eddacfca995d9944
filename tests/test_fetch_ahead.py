"""Fetching ahead of the main thread: as far as the store may have in flight, and on
while a pile of fetched pages is written."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from tap_bigcommerce.reading.parallel import GrowingMerge


def test_a_pile_being_written_does_not_stop_the_fetching() -> None:
    # A read ahead of its turn hands over a pile of pages: while the main thread writes
    # them, each page taken lets one more request go out (the store may have four in
    # flight), so the quota is not left unused until the pile is gone.
    fetched = 0
    lock = threading.Lock()

    def produce() -> Iterator[int]:
        nonlocal fetched
        for item in range(10):
            with lock:
                fetched += 1
            yield item

    def fetched_soon(count: int) -> bool:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with lock:
                if fetched >= count:
                    return True
            time.sleep(0.005)
        return False

    with GrowingMerge[int](workers=4, buffer=1, wanted=lambda: 4) as merge:
        for _ in range(4):
            merge.submit(produce)
        items = iter(merge)
        next(items)  # the producers start; four items are fetched ahead
        assert fetched_soon(5)
        time.sleep(0.05)
        with lock:
            assert fetched == 5  # no more than the four permits (and the one taken)
        next(items)  # one of a pile of three: one more fetch, not a shrink to one
        assert fetched_soon(6)
        for _ in range(38):
            next(items)
        assert sum(1 for _ in items) == 0
