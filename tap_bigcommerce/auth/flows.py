"""Which way a run gets its OAuth token, and renewing it without losing a rotated one.

The tap and `tap-bigcommerce-auth` meet here: `obtain_token` picks the settings file, else
the configured verifier, else (interactive GETANDREFRESH only) a browser login, and
otherwise names what to run; `refresh_tokens` renews under the settings file's lock so that
concurrent runs never lose a rotated refresh token. The flows themselves live in
`loopback` (desktop login), `web_flow` (two steps, verifier) and `exchange` (their shared end).
"""

from __future__ import annotations

import time
import typing as t

from tap_bigcommerce.auth.errors import AUTH_COMMAND, AuthError, OAuthServerError
from tap_bigcommerce.auth.loopback import DEFAULT_LOGIN_TIMEOUT_S, desktop_login
from tap_bigcommerce.auth.oauth import OAuthClient
from tap_bigcommerce.auth.web_flow import exchange_verifier

if t.TYPE_CHECKING:
    import requests

    from tap_bigcommerce.auth.document import TokenSet
    from tap_bigcommerce.auth.settings_schema import AuthSettings
    from tap_bigcommerce.auth.store import SettingsStore


def build_client(
    settings: AuthSettings,
    *,
    session: requests.Session | None = None,
    clock: t.Callable[[], float] = time.time,
) -> OAuthClient:
    """The OAuth client for these settings (BigCommerce's `context` only for BigCommerce)."""
    extra: dict[str, str] = {"context": settings.context} if settings.is_bigcommerce else {}
    return OAuthClient(
        authorization_url=settings.resolved_authorization_url,
        token_url=settings.resolved_token_url,
        client_id=settings.client_id or "",
        client_secret=settings.client_secret,
        scopes=settings.scopes,
        extra_authorize_params=extra,
        extra_token_params=extra,
        session=session,
        clock=clock,
    )


def no_token_message(settings: AuthSettings, store: SettingsStore) -> str:
    """What to run when there is no token and no way to get one here."""
    if settings.initiate_oauth == "REFRESH":
        why = "initiate_oauth is REFRESH, which never opens a browser"
    else:
        why = "this is not an interactive terminal, so no browser login can run here"
    return (
        f"No OAuth token for store {settings.store_hash} and client {settings.client_id} in "
        f"{store.path}, no oauth_verifier is set, and {why}. On a machine with a browser, run "
        f"`{AUTH_COMMAND} login --config <tap config>` (or `meltano invoke "
        "tap-bigcommerce:login`), "
        f"then copy {store.path.name} and its key (the key file {store.key_path.name} or "
        "oauth_settings_key) here; or run "
        f"`{AUTH_COMMAND} authorize-url` here, open the URL in any browser, and pass the redirect "
        "URL "
        f"to `{AUTH_COMMAND} exchange`."
    )


def obtain_token(
    settings: AuthSettings,
    store: SettingsStore,
    client: OAuthClient,
    *,
    interactive: bool,
    browser: bool | t.Callable[[str], t.Any] = True,
    timeout: float = DEFAULT_LOGIN_TIMEOUT_S,
    clock: t.Callable[[], float] = time.time,
) -> TokenSet:
    """GETANDREFRESH / REFRESH: the settings file, else the verifier, else maybe a browser login."""
    doc = store.read()
    if doc is not None and doc.token is not None:
        return doc.token
    if settings.oauth_verifier:
        return exchange_verifier(settings, store, client, settings.oauth_verifier, clock=clock)
    if settings.initiate_oauth == "GETANDREFRESH" and interactive:
        return desktop_login(settings, store, client, browser=browser, timeout=timeout)
    raise AuthError(no_token_message(settings, store))


def refresh_tokens(
    store: SettingsStore,
    client: OAuthClient,
    current_access: str | None,
    *,
    force: bool,
    clock: t.Callable[[], float] = time.time,
) -> TokenSet:
    """Refresh under the file lock, re-reading first; persist before returning the new token.

    - If the file already holds a different, still-fresh token (another process refreshed),
      adopt it.
    - Otherwise refresh when forced or due, save the rotated refresh token atomically, and
      return the new tokens.
    - On invalid_grant, re-read the file and adopt a newer token before giving up.
    - A token without a refresh token (BigCommerce) is returned as the file holds it.
    """
    with store.locked():
        doc = store.read()
        if doc is None or doc.token is None:
            raise AuthError(
                f"The OAuth settings file {store.path} is gone or holds no token. Log in again: "
                f"`{AUTH_COMMAND} login`."
            )
        token = doc.token
        now = clock()
        if (
            current_access is not None
            and token.access_token != current_access
            and not token.refresh_due(now)
        ):
            return token
        if not token.refresh_token or not (force or token.refresh_due(now)):
            return token
        try:
            new = client.refresh(token.refresh_token)
        except OAuthServerError as exc:
            if exc.error == "invalid_grant":
                again = store.read()
                if (
                    again is not None
                    and again.token is not None
                    and (
                        again.token.access_token != token.access_token
                        and again.token.refresh_token != token.refresh_token
                    )
                ):
                    return again.token
            raise
        for key, value in token.extra.items():
            new.extra.setdefault(key, value)
        if new.scope is None:
            new.scope = token.scope
        doc.token = new
        store.write(doc)
        return new
