"""The tap: settings, the stream registry, and the run-wide objects streams share."""

from __future__ import annotations

import datetime as dt
import functools
import sys
import threading
import typing as t

from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.contrib.msgspec import MsgSpecWriter

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
from tap_bigcommerce.settings import CORE_PROPERTIES, DEFAULT_API_URL, validate_settings
from tap_bigcommerce.streams import STREAM_TYPES

if t.TYPE_CHECKING:
    from singer_sdk.streams import Stream

__version__ = "0.1.0"


class TapBigCommerce(Tap):
    """Singer tap for BigCommerce."""

    name = "tap-bigcommerce"
    package_name = "tap-bigcommerce-sdk"
    message_writer_class = MsgSpecWriter

    config_jsonschema = th.PropertiesList(*CORE_PROPERTIES, *AUTH_PROPERTIES).to_dict()

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        install_redaction(
            str(self.config[name]) for name in SECRET_SETTINGS if self.config.get(name)
        )
        if kwargs.get("validate_config", True):
            validate_settings(self.config)
            validate_auth_config(self.config)
        self._clock_lock = threading.Lock()
        self._window_end: dt.datetime | None = None
        self._missing_scopes: dict[str, list[str]] = {}

    def scope_is_missing(self, scope: str) -> bool:
        """True once a 403 showed the token lacks `scope`: later streams skip without asking."""
        return scope in self._missing_scopes

    def record_missing_scope(self, scope: str, *, stream: str) -> None:
        """Remember a scope the token lacks, and warn once for it, naming what is skipped."""
        if scope not in self._missing_scopes:
            skipped = sorted(s.name for s in self.streams.values() if s.scope == scope)  # type: ignore[attr-defined]
            self.logger.warning(
                "The token lacks the scope `%s` (HTTP 403 on stream '%s'); skipping the "
                "streams that need it: %s. Grant the scope to read them, or set "
                "strict_scopes to make this an error.",
                scope,
                stream,
                ", ".join(skipped),
            )
        self._missing_scopes.setdefault(scope, []).append(stream)

    def discover_streams(self) -> list[Stream]:
        return [stream_type(self) for stream_type in STREAM_TYPES]

    @functools.cached_property
    def authenticator(self) -> BigCommerceAuthenticator:
        """Built once per run: OAuth modes hold state (tokens, locks) that must be shared."""
        return BigCommerceAuthenticator.from_config(self.config)

    @functools.cached_property
    def api(self) -> StoreApi:
        return StoreApi(
            api_url=self.config.get("api_url", DEFAULT_API_URL),
            store_hash=self.config["store_hash"],
            authenticator=self.authenticator,
            timeout=float(self.config.get("request_timeout", 60)),
            max_retries=int(self.config.get("max_retries", 8)),
            max_backoff_seconds=float(self.config.get("max_backoff_seconds", 60)),
            user_agent=f"{self.name}/{__version__}",
            logger=self.logger,
        )

    @property
    def window_end(self) -> dt.datetime:
        """The end of every incremental window of this run: the store's clock minus the lag.

        Read once, from `/v2/time`, so that all streams of a run agree and our own
        clock's skew does not matter.
        """
        with self._clock_lock:
            if self._window_end is None:
                body = self.api.get("/v2/time", scope="store_v2_information_read_only").body
                if not isinstance(body, dict) or not isinstance(body.get("time"), int | float):
                    raise BigCommerceError(
                        'GET /v2/time did not return the store\'s clock ({"time": seconds}); '
                        "check `api_url`."
                    )
                lag = dt.timedelta(seconds=int(self.config.get("window_lag_seconds", 30)))
                self._window_end = epoch_to_datetime(int(body["time"])) - lag
                self.logger.info(
                    "Store clock read; incremental windows end at %s.",
                    format_timestamp(self._window_end),
                )
            return self._window_end

    @classmethod
    def invoke(cls, *args: t.Any, **kwargs: t.Any) -> None:
        """Run the tap; failures the user can fix end with their message, not a traceback."""
        try:
            super().invoke(*args, **kwargs)
        except (BigCommerceError, AuthError) as exc:
            cls.logger.error("%s", exc)
            sys.exit(1)


if __name__ == "__main__":
    TapBigCommerce.cli()
