"""The tap: settings, the stream registry, and the run-wide objects streams share."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import sys
import threading
import typing as t
from concurrent.futures import ThreadPoolExecutor

from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError

from tap_bigcommerce.api import StoreApi
from tap_bigcommerce.auth import BigCommerceAuthenticator
from tap_bigcommerce.auth.errors import AuthError
from tap_bigcommerce.auth.redaction import install_redaction
from tap_bigcommerce.auth.settings_schema import (
    AUTH_PROPERTIES,
    SECRET_SETTINGS,
    validate_auth_config,
)
from tap_bigcommerce.dates import epoch_to_datetime, format_timestamp
from tap_bigcommerce.errors import BigCommerceError
from tap_bigcommerce.output import StateFlushingWriter
from tap_bigcommerce.ratelimit import RateBudget
from tap_bigcommerce.settings import CORE_PROPERTIES, DEFAULT_API_URL, validate_settings
from tap_bigcommerce.stores import STORES_PROPERTY, store_configs
from tap_bigcommerce.streams import STREAM_TYPES

if t.TYPE_CHECKING:
    from singer_sdk.streams import Stream

__version__ = "0.1.0"


GC_THRESHOLDS = (100_000, 50, 100)
"""Collector thresholds while the tap runs (CPython's defaults are 700, 10, 10)."""


@contextlib.contextmanager
def collector_tuned_for_pages() -> t.Iterator[None]:
    """Run with the garbage collector tuned for a stream of large acyclic pages.

    Every API page decodes into tens of thousands of dicts and lists. With the
    default thresholds the collector runs every 700 of them and its older
    generations keep re-scanning the SDK, the schemas and the pages in flight; in
    the benchmark that doubled the time spent decoding. JSON trees hold no cycles,
    so collecting rarely loses nothing: the objects alive at start are frozen out
    of every collection and the young generation is made large. Both are undone
    afterwards, for callers that run the tap in-process.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class TapBigCommerce(Tap):
    """Singer tap for BigCommerce."""

    name = "tap-bigcommerce"
    package_name = "tap-bigcommerce-sdk"
    message_writer_class = StateFlushingWriter

    config_jsonschema = th.PropertiesList(
        *CORE_PROPERTIES, STORES_PROPERTY, *AUTH_PROPERTIES
    ).to_dict()

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        validate = kwargs.get("validate_config", True)
        self._store_configs: dict[str, dict[str, t.Any]] = {}
        try:
            configs = store_configs(self.config)
        except ConfigValidationError:
            if validate:
                raise
            configs = []  # discovery and --about need no store
        for store_config in configs:
            install_redaction(
                str(store_config[name]) for name in SECRET_SETTINGS if store_config.get(name)
            )
            if validate:
                validate_settings(store_config)
                validate_auth_config(store_config)
            self._store_configs[store_config["store_hash"]] = store_config
        self._lock = threading.Lock()
        self._apis: dict[str, StoreApi] = {}
        self._window_ends: dict[str, dt.datetime] = {}
        self._missing_scopes: dict[tuple[str, str], list[str]] = {}

    @property
    def max_workers(self) -> int:
        return int(self.config.get("max_workers", 4))

    @functools.cached_property
    def child_pool(self) -> ThreadPoolExecutor | None:
        """Threads for per-parent child requests (separate from the page readers'
        threads, so a page reader waiting for the main thread can never starve them)."""
        if self.max_workers <= 1:
            return None
        return ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="children")

    @property
    def store_hashes(self) -> list[str]:
        """The stores this run reads, in the order configured."""
        return list(self._store_configs)

    def discover_streams(self) -> list[Stream]:
        return [stream_type(self) for stream_type in STREAM_TYPES]

    def api(self, store_hash: str) -> StoreApi:
        """The store's API client, built once per run with its own authenticator.

        Authenticators are built once: OAuth modes hold state (tokens, file locks)
        that every request of the store must share.
        """
        with self._lock:
            if store_hash not in self._apis:
                config = self._store_configs[store_hash]
                self._apis[store_hash] = StoreApi(
                    api_url=config.get("api_url", DEFAULT_API_URL),
                    store_hash=store_hash,
                    authenticator=BigCommerceAuthenticator.from_config(config),
                    timeout=float(config.get("request_timeout", 60)),
                    max_retries=int(config.get("max_retries", 8)),
                    max_backoff_seconds=float(config.get("max_backoff_seconds", 60)),
                    user_agent=f"{self.name}/{__version__}",
                    logger=self.logger,
                    budget=RateBudget(
                        reserve_fraction=float(config.get("rate_limit_reserve", 0.1))
                    ),
                )
            return self._apis[store_hash]

    def window_end(self, store_hash: str) -> dt.datetime:
        """The end of every incremental window of this run for one store.

        The store's own clock (`/v2/time`) minus the lag, read once, so that all
        streams of a run agree and our clock's skew does not matter.
        """
        with self._lock:
            if store_hash in self._window_ends:
                return self._window_ends[store_hash]
        body = self.api(store_hash).get("/v2/time", scope="store_v2_information_read_only").body
        if not isinstance(body, dict) or not isinstance(body.get("time"), int | float):
            raise BigCommerceError(
                'GET /v2/time did not return the store\'s clock ({"time": seconds}); '
                "check `api_url`."
            )
        lag = dt.timedelta(seconds=int(self.config.get("window_lag_seconds", 30)))
        end = epoch_to_datetime(int(body["time"])) - lag
        with self._lock:
            end = self._window_ends.setdefault(store_hash, end)
        self.logger.info(
            "Store %s: incremental windows end at %s.", store_hash, format_timestamp(end)
        )
        return end

    def scope_is_missing(self, store_hash: str, scope: str) -> bool:
        """True once a 403 showed the store's token lacks `scope`: later streams skip it."""
        return (store_hash, scope) in self._missing_scopes

    def record_missing_scope(self, store_hash: str, scope: str, *, stream: str) -> None:
        """Remember a scope the token lacks, and warn once for it, naming what is skipped."""
        key = (store_hash, scope)
        if key not in self._missing_scopes:
            skipped = sorted(
                name for name, s in self.streams.items() if getattr(s, "scope", None) == scope
            )
            self.logger.warning(
                "Store %s: the token lacks the scope `%s` (HTTP 403 on stream '%s'); "
                "skipping the streams that need it: %s. Grant the scope to read them, or "
                "set strict_scopes to make this an error.",
                store_hash,
                scope,
                stream,
                ", ".join(skipped),
            )
        self._missing_scopes.setdefault(key, []).append(stream)

    @classmethod
    def invoke(cls, *args: t.Any, **kwargs: t.Any) -> None:
        """Run the tap; failures the user can fix end with their message, not a traceback."""
        try:
            with collector_tuned_for_pages():
                super().invoke(*args, **kwargs)
        except (BigCommerceError, AuthError) as exc:
            cls.logger.error("%s", exc)
            sys.exit(1)


if __name__ == "__main__":
    TapBigCommerce.cli()
