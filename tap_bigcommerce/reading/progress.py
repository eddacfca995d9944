"""A progress line per stream at a steady cadence, so a long sync is never silent.

Each line says how far the stream is (records, pages), what it costs (requests,
quota left in the store's window) and how fast it goes, which is what a user
watching a 400,000-order backfill wants to know.
"""

from __future__ import annotations

import logging
import time
import typing as t
from collections.abc import Callable

if t.TYPE_CHECKING:
    from tap_bigcommerce.api import StoreApi


class Progress:
    def __init__(
        self,
        *,
        stream: str,
        store_hash: str,
        api: StoreApi,
        logger: logging.Logger,
        interval: float,
        record_path: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._store_hash = store_hash
        self._api = api
        self._logger = logger
        self._interval = interval
        self._clock = clock
        self._record_path = f", records written {record_path}" if record_path else ""
        self._started = self._last = clock()
        self._first_request = api.stats.requests
        self.records = 0
        self.pages = 0

    def record(self) -> None:
        self.records += 1
        if self.records % 250 == 0 and self._clock() - self._last >= self._interval:
            self.log("progress")

    def page(self) -> None:
        self.pages += 1

    def log(self, what: str) -> None:
        now = self._clock()
        self._last = now
        elapsed = max(now - self._started, 1e-6)
        snapshot = self._api.budget.snapshot()
        quota = "unknown" if snapshot is None else f"{snapshot[0]}/{snapshot[1]}"
        self._logger.info(
            "Stream '%s' (store %s) %s: %d records, %d pages, %d requests, quota left %s, "
            "%.0f records/s%s",
            self._stream,
            self._store_hash,
            what,
            self.records,
            self.pages,
            self._api.stats.requests - self._first_request,
            quota,
            self.records / elapsed,
            self._record_path,
        )
