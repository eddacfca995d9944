"""The desktop login: the system browser, and a one-shot listener on 127.0.0.1 for the callback.

RFC 8252's loopback flow: the listener binds the port of `redirect_uri` (or any free one for
port 0) on 127.0.0.1 only, answers one request on the registered path, and checks a random
`state` in constant time before anything else, so a page in another tab cannot hand it a
code. PKCE binds the code to this process. The page the browser shows says only whether to
go back to the terminal; the code never appears in a log line or an access log.
"""

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
from urllib.parse import urlsplit, urlunsplit

from typing_extensions import override

from tap_bigcommerce.auth.errors import AUTH_COMMAND, AuthError
from tap_bigcommerce.auth.exchange import complete_exchange, granted_code, require_redirect_uri
from tap_bigcommerce.auth.oauth import AuthorizationResponse, new_code_verifier, new_state

if t.TYPE_CHECKING:
    from tap_bigcommerce.auth.document import TokenSet
    from tap_bigcommerce.auth.oauth import OAuthClient
    from tap_bigcommerce.auth.settings_schema import AuthSettings
    from tap_bigcommerce.auth.store import SettingsStore

DEFAULT_LOGIN_TIMEOUT_S = 300.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
_CLOSE_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>tap-bigcommerce</title></head>"
    "<body><p>{message}</p></body></html>"
)


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

    @override
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
        response = AuthorizationResponse.from_query(parts.query)
        state = response.state or ""
        if not hmac.compare_digest(state.encode(), server.expected_state.encode()):
            server.failure = (
                "The state returned to the callback does not match the one this login sent: the "
                "response is not from this login attempt (possible cross-site request). Nothing "
                f"was saved. Run `{AUTH_COMMAND} login` again."
            )
            self._reply(400, "This response does not match the login in progress. Close this tab.")
            return
        if not response.answered:
            server.failure = "The callback carried neither a code nor an error. Run login again."
            self._reply(400, "No authorization code. Close this tab and try again.")
            return
        server.result = response
        if response.error:
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
                "for the app and set redirect_uri to it."
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
    redirect_uri = require_redirect_uri(settings)
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
                    "`exchange`) if the browser is on another machine."
                )
            server.handle_request()
        if server.failure:
            raise AuthError(server.failure)
        response = server.result
    assert response is not None
    granted_code(settings, response, "callback")
    token = complete_exchange(
        settings, store, client, response, redirect_uri=actual_uri, code_verifier=verifier
    )
    print(f"Authorized. Tokens saved to {store.path}.", file=out, flush=True)
    return token
