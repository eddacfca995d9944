"""The one authenticator every request goes through.

It is built once per tap run (the SDK calls authenticators twice per request, so
anything stateful must live in a single instance) and its signing is idempotent.

Modes:

- store API account token (personal token), or an app token given in the config
  (`initiate_oauth` OFF): the token is used as is and never touches the settings file;
- OAuth settings file (`initiate_oauth` GETANDREFRESH or REFRESH): the token comes from the
  encrypted settings file (or a verifier exchange, or a browser login) and is refreshed
  before expiry and once after a 401 when the server issues refresh tokens.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import typing as t

from singer_sdk.authenticators import APIAuthenticatorBase
from typing_extensions import override

from tap_bigcommerce.auth.errors import AuthError, reauthorize_error
from tap_bigcommerce.auth.redaction import install_redaction, register_secrets
from tap_bigcommerce.auth.settings_schema import AuthSettings

if t.TYPE_CHECKING:
    import requests

    from tap_bigcommerce.auth.document import TokenSet
    from tap_bigcommerce.auth.oauth import OAuthClient
    from tap_bigcommerce.auth.store import SettingsStore

AUTH_HEADER = "X-Auth-Token"
logger = logging.getLogger(__name__)


class BigCommerceAuthenticator(APIAuthenticatorBase):
    """Signs requests with `X-Auth-Token` and knows whether a rejected token can be renewed."""

    def __init__(
        self,
        access_token: str,
        *,
        mode: str = "store API account token",
        store: SettingsStore | None = None,
        client: OAuthClient | None = None,
        token: TokenSet | None = None,
        clock: t.Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._access_token = access_token
        self._mode = mode
        self._store = store
        self._client = client
        self._token = token
        self._clock = clock
        self._forced: set[str] = set()
        self._last_error: AuthError | None = None
        register_secrets([access_token])

    @classmethod
    def from_config(
        cls,
        config: t.Mapping[str, t.Any],
        *,
        interactive: bool | None = None,
        session: requests.Session | None = None,
        clock: t.Callable[[], float] = time.time,
    ) -> BigCommerceAuthenticator:
        """Build the authenticator the settings ask for.

        In OAuth modes this obtains the token now (settings file, verifier, or - on an
        interactive terminal with GETANDREFRESH - a browser login), so problems surface
        before any API request.
        """
        settings = AuthSettings.from_config(config)
        install_redaction(settings.secrets())
        if not settings.uses_settings_file:
            assert settings.access_token is not None
            if settings.method == "access_token":
                return cls(access_token=settings.access_token)
            return cls(
                access_token=settings.access_token,
                mode=f"OAuth app token from the config (client {settings.client_id})",
            )
        # Only the OAuth modes need the settings file's locking and encryption and the
        # login flows' web server: a personal-token run (most syncs) starts 50 ms faster.
        from tap_bigcommerce.auth.flows import build_client, obtain_token
        from tap_bigcommerce.auth.store import SettingsStore

        if interactive is None:
            interactive = sys.stdin.isatty() and sys.stderr.isatty()
        store = SettingsStore.for_settings(settings, clock=clock)
        client = build_client(settings, session=session, clock=clock)
        token = obtain_token(settings, store, client, interactive=interactive, clock=clock)
        renewal = "refreshable" if token.refresh_token else "non-expiring"
        return cls(
            access_token=token.access_token,
            mode=(
                f"OAuth settings file {store.path} (store {settings.store_hash}, client "
                f"{settings.client_id}, {renewal})"
            ),
            store=store,
            client=client,
            token=token,
            clock=clock,
        )

    @property
    def mode(self) -> str:
        """A redacted, human description of where the token comes from (safe to log)."""
        return self._mode

    @property
    def is_oauth_file(self) -> bool:
        """True when tokens come from (and are refreshed into) the OAuth settings file."""
        return self._store is not None

    def _adopt(self, token: TokenSet) -> None:
        register_secrets([token.access_token, token.refresh_token])
        self._token = token
        self._access_token = token.access_token

    def current_token(self) -> str:
        """The token to send now; OAuth modes refresh it here when it is about to expire."""
        with self._lock:
            token = self._token
            if (
                token is not None
                and self._store is not None
                and self._client is not None
                and token.refresh_token
                and token.refresh_due(self._clock())
            ):
                from tap_bigcommerce.auth.flows import refresh_tokens

                try:
                    self._adopt(
                        refresh_tokens(
                            self._store,
                            self._client,
                            token.access_token,
                            force=False,
                            clock=self._clock,
                        )
                    )
                except AuthError as exc:
                    if token.expired(self._clock()):
                        raise
                    logger.warning(
                        "Refreshing the OAuth token failed; using the current one: %s", exc
                    )
            return self._access_token

    @override
    def authenticate_request(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[AUTH_HEADER] = self.current_token()
        return request

    def handle_unauthorized(self, rejected_token: str) -> bool:
        """Called once when the API answered 401 to `rejected_token`.

        Returns True when a different token is now available (refreshed, or adopted from a
        newer settings file written by another process) and the request is worth one more
        try; False otherwise (then raise `unauthorized_error()`). Each rejected token gets at
        most one forced refresh; the settings file is re-read every time.
        """
        if self._store is None or self._client is None:
            return False
        with self._lock:
            if self._access_token != rejected_token:
                return True
            # Re-reading the file is always worth it (another process may have logged in
            # or refreshed); a forced refresh is spent at most once per rejected token.
            force = rejected_token not in self._forced
            self._forced.add(rejected_token)
            from tap_bigcommerce.auth.flows import refresh_tokens

            try:
                token = refresh_tokens(
                    self._store, self._client, rejected_token, force=force, clock=self._clock
                )
            except AuthError as exc:
                self._last_error = exc
                logger.warning("Renewing the OAuth token after a 401 failed: %s", exc)
                return False
            if token.access_token == rejected_token:
                return False
            self._adopt(token)
            logger.info("Renewed the OAuth token after a 401 (%s).", self._mode)
            return True

    def unauthorized_error(self) -> AuthError:
        """The error to raise when a 401 could not be resolved: actionable and secret-free."""
        if self._last_error is not None:
            return AuthError(
                f"{reauthorize_error(self._mode)} Last renewal error: {self._last_error}"
            )
        return reauthorize_error(self._mode)
