"""What the reading code needs of one store, handed to it in one object.

The streams and pagers read a store through its API client, fetch in parallel on its
worker threads, close their windows at its clock, and skip what its token may not read.
The tap builds one `StoreContext` per store and run and hands it to every stream; the
reading code never imports the tap, so the tap can import all of it (DESIGN §1: imports
run one way).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import logging
import threading
import typing as t
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tap_bigcommerce.dates import epoch_to_datetime, format_timestamp
from tap_bigcommerce.errors import BigCommerceError, MissingScopeError, NotFoundError

if t.TYPE_CHECKING:
    from tap_bigcommerce.api import StoreApi

CLOCK_PATH = "/v2/time"
UNMETERED_PARTS = 4
CLOCK_SCOPE = "store_v2_information_read_only"


class StoreClock:
    """The end of every incremental window of one run for one store.

    The store's own clock (`/v2/time`) minus the lag, read once, so that all streams of
    a run agree and the skew of this machine's clock does not matter.
    """

    def __init__(self, api: StoreApi, *, lag_seconds: int, logger: logging.Logger) -> None:
        self._api = api
        self._lag = dt.timedelta(seconds=lag_seconds)
        self._logger = logger
        self._lock = threading.Lock()
        self._end: dt.datetime | None = None

    def window_end(self) -> dt.datetime:
        with self._lock:
            if self._end is None:
                self._end = self._read() - self._lag
                self._logger.info(
                    "Store %s: incremental windows end at %s.",
                    self._api.store_hash,
                    format_timestamp(self._end),
                )
            return self._end

    def _read(self) -> dt.datetime:
        try:
            body = self._api.get(CLOCK_PATH, scope=CLOCK_SCOPE).body
        except MissingScopeError:
            return self._from_date_header()
        except NotFoundError as exc:
            raise BigCommerceError(
                f"{exc} The store's clock is missing: check `store_hash` "
                f"('{self._api.store_hash}') and `api_url`."
            ) from exc
        if not isinstance(body, dict) or not isinstance(body.get("time"), int | float):
            raise BigCommerceError(
                f'GET {CLOCK_PATH} did not return the store\'s clock ({{"time": seconds}}); '
                "check `api_url`."
            )
        return epoch_to_datetime(int(body["time"]))

    def _from_date_header(self) -> dt.datetime:
        """The clock from the `Date` header of the API's answer, when /v2/time is not allowed.

        `/v2/time` needs `store_v2_information_read_only`, which a token made for, say,
        orders only may lack; the API's own `Date` header tells the same clock to the
        second, so the incremental streams still run.
        """
        header = self._api.server_date
        try:
            moment = email.utils.parsedate_to_datetime(header or "")
        except (TypeError, ValueError):
            moment = None
        if moment is None or moment.tzinfo is None:
            raise BigCommerceError(
                f"The token lacks `{CLOCK_SCOPE}` (GET {CLOCK_PATH} answered 403) and the "
                "API's answer carried no usable Date header to take the store's clock from. "
                f"Grant `{CLOCK_SCOPE}` to the API account."
            )
        self._logger.info(
            "Store %s: the token lacks `%s`, so the store's clock is read from the API's "
            "Date header instead of %s.",
            self._api.store_hash,
            CLOCK_SCOPE,
            CLOCK_PATH,
        )
        return moment.astimezone(dt.timezone.utc)


class MissingScopes:
    """The scopes a store's token turned out to lack, shared by every stream of the run.

    A 403 shows the token lacks a scope; every later stream that needs it is skipped
    without a request, and the user is told once, with every stream it skips.
    """

    def __init__(
        self,
        *,
        store_hash: str,
        streams_needing: Callable[[str], list[str]],
        logger: logging.Logger,
    ) -> None:
        self._store_hash = store_hash
        self._streams_needing = streams_needing
        self._logger = logger
        self._missing: dict[str, list[str]] = {}

    def __contains__(self, scope: object) -> bool:
        return scope in self._missing

    def record(self, scope: str, *, stream: str) -> None:
        if scope not in self._missing:
            self._logger.warning(
                "Store %s: the token lacks the scope `%s` (HTTP 403 on stream '%s'); "
                "skipping the streams that need it: %s. Grant the scope to read them, or "
                "set strict_scopes to make this an error.",
                self._store_hash,
                scope,
                stream,
                ", ".join(self._streams_needing(scope)),
            )
        self._missing.setdefault(scope, []).append(stream)


@dataclass
class StoreContext:
    """One store of the run: its settings, API client, clock, workers and missing scopes."""

    store_hash: str
    config: Mapping[str, t.Any]
    """The store's effective settings (the top level with its `stores` entry laid over)."""
    api: StoreApi
    clock: StoreClock
    scopes: MissingScopes
    max_workers: int
    logger: logging.Logger
    shared: dict[str, t.Any] = field(default_factory=dict)
    """What one stream read that later streams of the run reuse for this store (the
    storefront channels every per-channel settings stream reads, `reading.settings`)."""

    def parallel_parts(self) -> int:
        """How many parts of a large list to read at once: what the rate budget lets be in
        flight now (it follows the store's response time), at least two, at most the
        `max_workers` ceiling. More parts than that only add partly filled last pages, and
        each part holds a page in memory while the main thread writes another.

        A store that sends no quota headers gives no rate to size by: then
        `UNMETERED_PARTS`, enough to keep the main thread busy without a page per thread.
        """
        view = self.api.budget.view()
        wanted = view.limit if view.allowed_rate is not None else UNMETERED_PARTS
        return min(self.max_workers, max(2, wanted))

    def parts_needed(self) -> int:
        """How many parts must be read at once to keep the quota busy (what the allowed
        rate needs in flight at the store's response time): below it, a large part left
        is worth splitting (`reading.keyset`)."""
        view = self.api.budget.view()
        wanted = view.needed if view.allowed_rate is not None else UNMETERED_PARTS
        return min(self.max_workers, max(2, wanted))

    @functools.cached_property
    def child_pool(self) -> ThreadPoolExecutor | None:
        """Threads for per-parent child requests.

        Separate from the page readers' threads (`reading.parallel`), so that a page
        reader waiting for the main thread can never starve them.
        """
        if self.max_workers <= 1:
            return None
        return ThreadPoolExecutor(
            max_workers=self.max_workers, thread_name_prefix=f"children-{self.store_hash}"
        )


class StoreContexts(t.Protocol):
    """What the streams need of the tap: the stores of the run and each one's context."""

    @property
    def store_hashes(self) -> list[str]: ...

    def store_context(self, store_hash: str) -> StoreContext: ...
