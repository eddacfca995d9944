"""The tap: settings, the stream registry, and the run-wide objects streams share."""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
import threading
import typing as t
from collections.abc import Mapping

from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.singerlib import StateMessage
from typing_extensions import override

from tap_bigcommerce import cancel
from tap_bigcommerce.api import StoreApi
from tap_bigcommerce.auth import BigCommerceAuthenticator
from tap_bigcommerce.auth.errors import AuthError
from tap_bigcommerce.auth.redaction import install_redaction
from tap_bigcommerce.auth.settings_schema import (
    AUTH_PROPERTIES,
    SECRET_SETTINGS,
    validate_auth_config,
)
from tap_bigcommerce.config_input import check_secret_types, secret_values, unknown_settings
from tap_bigcommerce.context import MissingScopes, StoreClock, StoreContext
from tap_bigcommerce.errors import BigCommerceError, CancelledError
from tap_bigcommerce.output import StateFlushingWriter
from tap_bigcommerce.ratelimit import RateBudget
from tap_bigcommerce.reading.ahead import ReadAheads
from tap_bigcommerce.sdk_seam import CancellableTap
from tap_bigcommerce.settings import (
    CORE_PROPERTIES,
    DEFAULT_API_URL,
    DEFAULT_MAX_WORKERS,
    DEFAULT_READ_AHEAD_STREAMS,
    validate_settings,
)
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


class TapBigCommerce(CancellableTap):
    """Singer tap for BigCommerce."""

    name = "tap-bigcommerce"
    package_name = "tap-bigcommerce-sdk"
    message_writer_class = StateFlushingWriter

    config_jsonschema = th.PropertiesList(
        *CORE_PROPERTIES, STORES_PROPERTY, *AUTH_PROPERTIES
    ).to_dict()

    _running: t.ClassVar[TapBigCommerce | None] = None
    """The tap of this process's run, whose state a cancelled run writes last."""

    @override
    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        given = kwargs.get("config")
        if isinstance(given, Mapping):
            # Before the SDK's own validation, which would show a secret's value.
            install_redaction(secret_values(given, SECRET_SETTINGS))
            if kwargs.get("validate_config", True):
                check_secret_types(given, SECRET_SETTINGS)
        super().__init__(*args, **kwargs)
        TapBigCommerce._running = self
        validate = kwargs.get("validate_config", True)
        if validate:
            for warning in unknown_settings(self.config, self._known_settings()):
                self.logger.warning("%s", warning)
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
        self._contexts: dict[str, StoreContext] = {}
        self._read_aheads = ReadAheads(
            depth=int(self.config.get("read_ahead_streams", DEFAULT_READ_AHEAD_STREAMS))
        )

    @classmethod
    def _known_settings(cls) -> set[str]:
        """This tap's settings and the SDK's own (stream maps, flattening, batches...)."""
        schema = {"properties": dict(cls.config_jsonschema["properties"])}
        cls.append_builtin_config(schema)
        return set(schema["properties"])

    @property
    def store_hashes(self) -> list[str]:
        """The stores this run reads, in the order configured."""
        return list(self._store_configs)

    @property
    def read_aheads(self) -> ReadAheads:
        return self._read_aheads

    def sync_order(self) -> list[Stream]:
        """The streams `sync_all` syncs itself, in its order (children come with parents)."""
        return [
            stream
            for stream in self.streams.values()
            if (stream.selected or stream.has_selected_descendents)
            and not stream.parent_stream_type
        ]

    @override
    def discover_streams(self) -> list[Stream]:
        return [stream_type(self) for stream_type in STREAM_TYPES]

    def store_context(self, store_hash: str) -> StoreContext:
        """The store's context, built once per run: one API client and authenticator.

        Authenticators are built once: OAuth modes hold state (tokens, file locks)
        that every request of the store must share.
        """
        with self._lock:
            if store_hash not in self._contexts:
                self._contexts[store_hash] = self._new_context(self._store_configs[store_hash])
            return self._contexts[store_hash]

    def _new_context(self, config: dict[str, t.Any]) -> StoreContext:
        store_hash = config["store_hash"]
        max_workers = int(config.get("max_workers", DEFAULT_MAX_WORKERS))
        api = StoreApi(
            api_url=config.get("api_url", DEFAULT_API_URL),
            store_hash=store_hash,
            authenticator=BigCommerceAuthenticator.from_config(config),
            timeout=float(config.get("request_timeout", 60)),
            max_retries=int(config.get("max_retries", 8)),
            max_backoff_seconds=float(config.get("max_backoff_seconds", 60)),
            user_agent=f"{self.name}/{__version__}",
            logger=self.logger,
            budget=RateBudget(
                reserve_fraction=float(config.get("rate_limit_reserve", 0.1)),
                max_in_flight=max_workers,
            ),
        )
        return StoreContext(
            store_hash=store_hash,
            config=config,
            api=api,
            clock=StoreClock(
                api, lag_seconds=int(config.get("window_lag_seconds", 30)), logger=self.logger
            ),
            scopes=MissingScopes(
                store_hash=store_hash,
                streams_needing=self._streams_needing,
                logger=self.logger,
            ),
            max_workers=max_workers,
            logger=self.logger,
        )

    def _streams_needing(self, scope: str) -> list[str]:
        return sorted(
            name for name, stream in self.streams.items() if getattr(stream, "scope", None) == scope
        )

    @classmethod
    @override
    def invoke(cls, *args: t.Any, **kwargs: t.Any) -> None:
        """Run the tap; failures the user can fix end with their message, not a traceback."""
        try:
            with collector_tuned_for_pages():
                super().invoke(*args, **kwargs)
        except CancelledError as exc:
            cls._stop(exc)
        except (BigCommerceError, AuthError) as exc:
            cls.logger.error("%s", exc)
            sys.exit(1)
        finally:
            # Reads started ahead whose turn never came (a stream failed): their readers
            # must stop before the interpreter waits for its threads. (None: the tap's
            # settings were refused before there was anything to read.)
            aheads = getattr(cls._running, "_read_aheads", None)
            if aheads is not None:
                aheads.close()

    @classmethod
    def _stop(cls, exc: CancelledError) -> t.NoReturn:
        """End a cancelled run: what was written flushed, then the state as it stands.

        Bookmarks move only when a window has been read and written whole, so the state
        at any moment loses nothing; records after it are read again by the next run.
        """
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)  # a second signal must not cut this short
        tap = cls._running
        if tap is not None:
            writer = tap.message_writer
            if isinstance(writer, StateFlushingWriter):
                writer.deferred = 0
            # Always, even if unchanged since the last STATE: records after that one
            # (a page's children in flight) are read again, and a reader of the output
            # should see the run end on the state to resume from.
            writer.write_message(StateMessage(value=tap.state))
        cls.logger.warning(
            "Stopped by %s: what was read is written, and the last STATE loses nothing; "
            "run again from it to resume.",
            cancel.signal_name(exc.signum),
        )
        sys.exit(cancel.exit_status(exc))


if __name__ == "__main__":
    TapBigCommerce.cli()
