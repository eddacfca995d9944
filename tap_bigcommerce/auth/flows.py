"""Ways to obtain and renew tokens: desktop login, web two-step flow, verifier exchange, refresh."""

from __future__ import annotations

import errno
import hmac
import http.server
import os
import sys
import threading
import time
import typing as t
import webbrowser
from urllib.parse import parse_qs, urlsplit, urlunsplit

from tap_bigcommerce.auth.errors import AUTH_COMMAND, AuthError, OAuthServerError
from tap_bigcommerce.auth.oauth import (
    AuthorizationResponse,
    OAuthClient,
    new_code_verifier,
    new_state,
    parse_verifier,
)
from tap_bigcommerce.auth.store import (
    PENDING_LIFETIME_S,
    PendingAuthorization,
    SettingsStore,
    TokenSet,
    hash_verifier,
)

if t.TYPE_CHECKING:
    import requests

    from tap_bigcommerce.auth.settings_schema import AuthSettings

DEFAULT_LOGIN_TIMEOUT_S = 300.0
MAX_CONSUMED_HASHES = 200
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
_CLOSE_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>tap-bigcommerce</title></head>"
    "<body><p>{message}</p></body></html>"
)


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


def _need_redirect_uri(settings: AuthSettings) -> str:
    if not settings.redirect_uri:
        raise AuthError(
            "Setting 'redirect_uri' is required for this step: set it to the app's registered "
            "callback URL, exactly as registered (e.g. http://127.0.0.1:8765/callback)."
        )
    return settings.redirect_uri


def _check_context(settings: AuthSettings, context: str | None, where: str) -> None:
    if context is not None and settings.is_bigcommerce and context != settings.context:
        raise AuthError(
            f"The {where} is for '{context}', but store_hash is '{settings.store_hash}'. Approve "
            "the "
            "app on the store you configured, or fix store_hash. Nothing was saved."
        )


def _refuse_reused(consumed: list[str], digest: str) -> None:
    if digest in consumed:
        raise AuthError(
            "This authorization code was already exchanged; a code is never exchanged twice "
            "(the server may revoke tokens issued from a reused code). Start a new "
            f"authorization: `{AUTH_COMMAND} login` or `{AUTH_COMMAND} authorize-url`."
        )


def complete_exchange(
    settings: AuthSettings,
    store: SettingsStore,
    client: OAuthClient,
    *,
    code: str,
    redirect_uri: str,
    code_verifier: str | None,
    scope: str | None = None,
    consume_pending: bool = False,
) -> TokenSet:
    """Exchange `code` once, check the result and save it; nothing is written on failure.

    With `consume_pending`, the web flow's pending record is removed whatever happens.
    """
    digest = hash_verifier(code)
    with store.locked():
        doc = store.read()
        existed = doc is not None
        if doc is None:
            doc = store.new_document()
        _refuse_reused(doc.consumed_verifiers, digest)
        try:
            token = client.exchange_code(
                code=code, redirect_uri=redirect_uri, code_verifier=code_verifier, scope=scope
            )
            _check_context(settings, token.extra.get("context"), "token the server issued")
        except AuthError:
            if consume_pending and existed and doc.pending is not None:
                doc.pending = None
                store.write(doc)
            raise
        doc.token = token
        doc.consumed_verifiers = [*doc.consumed_verifiers, digest][-MAX_CONSUMED_HASHES:]
        if consume_pending:
            doc.pending = None
        store.write(doc)
        return token


def exchange_verifier(
    settings: AuthSettings,
    store: SettingsStore,
    client: OAuthClient,
    verifier: str,
    *,
    clock: t.Callable[[], float] = time.time,
) -> TokenSet:
    """Exchange a code or a pasted redirect URL (headless option 1, web flow step 2)."""
    response = parse_verifier(verifier)
    _raise_for_error(response)
    _check_context(settings, response.context, "redirect URL")
    assert response.code is not None
    pending = None
    doc = store.read()
    if doc is not None:
        _refuse_reused(doc.consumed_verifiers, hash_verifier(response.code))
    if doc is not None and doc.pending is not None:
        pending = doc.pending
        if pending.expires_at < clock():
            pending = None
            if response.state is not None:
                raise AuthError(
                    "The pending authorization started by `authorize-url` has expired (it is valid "
                    f"for {PENDING_LIFETIME_S / 60:.0f} minutes). Run `{AUTH_COMMAND} "
                    "authorize-url` "
                    "again and approve the app within that time."
                )
    if response.state is not None:
        if pending is None:
            raise AuthError(
                "The redirect URL carries a state, but there is no pending authorization to check "
                "it "
                f"against in {store.path} (it was already used, or started on another machine). "
                "Run "
                f"`{AUTH_COMMAND} authorize-url` on this machine, open the URL, and pass the new "
                f"redirect URL to `{AUTH_COMMAND} exchange`."
            )
        if not hmac.compare_digest(response.state, pending.state):
            raise AuthError(
                "The state in the redirect URL does not match the pending authorization: the URL "
                "is "
                f"from another authorization attempt. Use the URL from the latest `{AUTH_COMMAND} "
                "authorize-url`, or start again."
            )
    if pending is not None:
        redirect_uri = pending.redirect_uri
        code_verifier: str | None = pending.code_verifier
    else:
        redirect_uri = _need_redirect_uri(settings)
        code_verifier = None
    return complete_exchange(
        settings,
        store,
        client,
        code=response.code,
        redirect_uri=redirect_uri,
        code_verifier=code_verifier,
        scope=response.scope,
        consume_pending=pending is not None,
    )


def _raise_for_error(response: AuthorizationResponse) -> None:
    if response.error is not None:
        detail = f" ({response.error_description})" if response.error_description else ""
        hint = " The user declined the app." if response.error == "access_denied" else ""
        raise AuthError(
            f"The authorization server returned an error instead of a code: {response.error}"
            f"{detail}.{hint} Start again with `{AUTH_COMMAND} login` or `{AUTH_COMMAND} "
            "authorize-url`."
        )


def begin_web_flow(
    settings: AuthSettings,
    store: SettingsStore,
    client: OAuthClient,
    *,
    clock: t.Callable[[], float] = time.time,
) -> tuple[str, str]:
    """Web flow step 1: save state + PKCE verifier + redirect URI; return (URL, state)."""
    redirect_uri = _need_redirect_uri(settings)
    state = new_state()
    verifier = new_code_verifier()
    now = clock()
    with store.locked():
        doc = store.read() or store.new_document()
        doc.pending = PendingAuthorization(
            state=state,
            code_verifier=verifier,
            redirect_uri=redirect_uri,
            created_at=now,
            expires_at=now + PENDING_LIFETIME_S,
        )
        store.write(doc)
    url = client.authorization_url(redirect_uri=redirect_uri, state=state, code_verifier=verifier)
    return url, state


# -- desktop flow -----------------------------------------------------------------------


class _CallbackServer(http.server.HTTPServer):
    # On POSIX, SO_REUSEADDR only lets a new listener bind over connections in TIME_WAIT
    # (a login right after another); on Windows it would let two listeners share a port.
    allow_reuse_address = os.name != "nt"
    expected_path: str
    expected_state: str
    result: AuthorizationResponse | None
    failure: str | None


class _CallbackHandler(http.server.BaseHTTPRequestHandler):
    server: _CallbackServer

    def log_message(self, format: str, *args: t.Any) -> None:
        """Silence the default access log: request lines carry the code."""

    def _reply(self, status: int, message: str) -> None:
        body = _CLOSE_PAGE.format(message=message).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        server = self.server
        if parts.path != server.expected_path or server.result is not None or server.failure:
            self._reply(404, "Not found.")
            return
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        state = params.get("state", "")
        if not hmac.compare_digest(state.encode(), server.expected_state.encode()):
            server.failure = (
                "The state returned to the callback does not match the one this login sent: the "
                "response is not from this login attempt (possible cross-site request). Nothing "
                "was "
                f"saved. Run `{AUTH_COMMAND} login` again."
            )
            self._reply(400, "This response does not match the login in progress. Close this tab.")
            return
        server.result = AuthorizationResponse(
            code=params.get("code") or None,
            state=state,
            scope=params.get("scope") or None,
            context=params.get("context") or None,
            account_uuid=params.get("account_uuid") or None,
            error=params.get("error") or None,
            error_description=params.get("error_description") or None,
            from_url=True,
        )
        if server.result.code is None and server.result.error is None:
            server.result = None
            server.failure = "The callback carried neither a code nor an error. Run login again."
            self._reply(400, "No authorization code. Close this tab and try again.")
            return
        if server.result.error:
            self._reply(200, "Authorization was not granted. You can close this tab.")
        else:
            self._reply(
                200, "Authorization received. You can close this tab and return to the terminal."
            )


_stdout_lock = threading.Lock()


def open_in_browser(url: str) -> bool:
    """Open `url` with the standard library, keeping anything a browser prints off stdout."""
    with _stdout_lock:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            os.dup2(2, 1)
            return webbrowser.open(url)
        except webbrowser.Error:
            return False
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def _bind_callback(redirect_uri: str) -> tuple[_CallbackServer, str]:
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        raise AuthError(
            f"redirect_uri {redirect_uri} is not a loopback URL (http://127.0.0.1:PORT/path), so "
            "the desktop login cannot receive the callback. Use the web flow instead: "
            f"`{AUTH_COMMAND} authorize-url`, then `{AUTH_COMMAND} exchange <redirect URL>`."
        )
    port = parts.port if parts.port is not None else 80
    try:
        server = _CallbackServer(("127.0.0.1", port), _CallbackHandler)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES, getattr(errno, "WSAEADDRINUSE", -1)):
            raise AuthError(
                f"Port {port} on 127.0.0.1 (from redirect_uri) is in use by another program or not "
                "allowed, so the login callback cannot be received. Stop the program using it "
                f"(e.g. `lsof -i :{port}`) and retry; or register another loopback redirect URI "
                "for "
                "the app and set redirect_uri to it."
            ) from None
        raise
    actual_port = server.server_address[1]
    netloc = f"{parts.hostname}:{actual_port}"
    actual_uri = urlunsplit((parts.scheme, netloc, parts.path or "/", "", ""))
    server.expected_path = parts.path or "/"
    server.result = None
    server.failure = None
    server.timeout = 0.2
    return server, actual_uri


def desktop_login(
    settings: AuthSettings,
    store: SettingsStore,
    client: OAuthClient,
    *,
    browser: bool | t.Callable[[str], t.Any] = True,
    timeout: float = DEFAULT_LOGIN_TIMEOUT_S,
    out: t.TextIO | None = None,
) -> TokenSet:
    """Log in in the system browser with a loopback callback, state and PKCE; save the tokens."""
    out = out or sys.stderr
    redirect_uri = _need_redirect_uri(settings)
    store.read()  # fail before the browser opens when the existing file cannot be used
    server, actual_uri = _bind_callback(redirect_uri)
    with server:
        state = new_state()
        verifier = new_code_verifier()
        server.expected_state = state
        url = client.authorization_url(redirect_uri=actual_uri, state=state, code_verifier=verifier)
        print(
            f"Open this URL in a browser to authorize the app for store {settings.store_hash}:\n\n"
            f"    {url}\n\nWaiting up to {timeout:.0f} s for the callback on {actual_uri} ...",
            file=out,
            flush=True,
        )
        if callable(browser):
            browser(url)
        elif browser and not open_in_browser(url):
            print("Could not start a browser: open the URL above yourself.", file=out, flush=True)
        deadline = time.monotonic() + timeout
        while server.result is None and server.failure is None:
            if time.monotonic() >= deadline:
                raise AuthError(
                    f"No callback arrived within {timeout:.0f} s. Run `{AUTH_COMMAND} login` again "
                    "(use --timeout for more time), or use the web flow (`authorize-url` + "
                    "`exchange`) "
                    "if the browser is on another machine."
                )
            server.handle_request()
        if server.failure:
            raise AuthError(server.failure)
        response = server.result
    assert response is not None
    _raise_for_error(response)
    _check_context(settings, response.context, "callback")
    assert response.code is not None
    token = complete_exchange(
        settings,
        store,
        client,
        code=response.code,
        redirect_uri=actual_uri,
        code_verifier=verifier,
        scope=response.scope,
    )
    print(f"Authorized. Tokens saved to {store.path}.", file=out, flush=True)
    return token


# -- obtaining and renewing ------------------------------------------------------------


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
