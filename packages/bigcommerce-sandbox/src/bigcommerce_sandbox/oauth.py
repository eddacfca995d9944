"""The login server: BigCommerce's app OAuth, or generic RFC 6749 with rotation.

BigCommerce mode answers the token request exactly like login.bigcommerce.com
(no expiry, no refresh token). With ``token_ttl`` the same endpoints behave like
a generic OAuth server (expiring access tokens, rotating refresh tokens), which
is what an OAuth client must also survive.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import html
import secrets
import threading
from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit

import msgspec

from bigcommerce_sandbox.http import Response, encode
from bigcommerce_sandbox.options import SandboxOptions
from bigcommerce_sandbox.routes import ALL_SCOPES
from bigcommerce_sandbox.tokens import RefreshToken, Tokens

CODE_TTL = 600
LOOPBACK_HOSTS = ("127.0.0.1", "[::1]")


@dataclasses.dataclass
class Grant:
    client_id: str
    store_hash: str
    scopes: frozenset[str]
    redirect_uri: str
    challenge: str | None
    expires_at: float
    used: bool = False


class OAuthServer:
    def __init__(
        self,
        opts: SandboxOptions,
        client_id: str,
        client_secret: str,
        tokens: Tokens,
        store_hashes: Callable[[], list[str]],
        now: Callable[[], float],
    ) -> None:
        self.opts = opts
        self.client_id = client_id
        self.client_secret = client_secret
        self.tokens = tokens
        self._stores = store_hashes
        self._now = now
        self._grants: dict[str, Grant] = {}
        self._lock = threading.Lock()

    # authorize -----------------------------------------------------------------
    def _redirect_ok(self, uri: str) -> bool:
        if uri in self.opts.redirect_uris:
            return True
        if not self.opts.allow_any_loopback_port:
            return False
        got = urlsplit(uri)
        if got.scheme != "http" or got.hostname not in ("127.0.0.1", "::1") or got.fragment:
            return False
        for registered in self.opts.redirect_uris:
            reg = urlsplit(registered)
            if (
                reg.scheme == "http"
                and reg.hostname == got.hostname
                and reg.path == got.path
                and reg.query == got.query
            ):
                return True
        return False

    def authorize(self, params: Mapping[str, str], client_id: str | None = None) -> Response:
        client_id = client_id or params.get("client_id", "")
        redirect_uri = params.get("redirect_uri", "")
        if client_id != self.client_id:
            return _page(400, "Unknown client_id: the app is not registered.")
        if not self._redirect_ok(redirect_uri):
            return _page(400, "The redirect_uri does not match the app's registered callback URL.")
        context = params.get("context", "")
        store_hash = context.removeprefix("stores/")
        if not context.startswith("stores/") or store_hash not in self._stores():
            return _page(400, "Unknown store context.")
        if params.get("response_type", "code") != "code":
            return _page(400, "Only response_type=code is supported.")
        method = params.get("code_challenge_method", "S256" if params.get("code_challenge") else "")
        if params.get("code_challenge") and method != "S256":
            return _page(400, "Only the S256 code_challenge_method is supported.")
        requested = frozenset(params.get("scope", "").replace(",", " ").split())
        scopes = requested or frozenset(ALL_SCOPES)
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._grants[code] = Grant(
                client_id,
                store_hash,
                scopes,
                redirect_uri,
                params.get("code_challenge"),
                self._now() + CODE_TTL,
            )
        query = {
            "code": code,
            "scope": " ".join(sorted(scopes)),
            "context": context,
            "account_uuid": self._account_uuid(store_hash),
        }
        if "state" in params:
            query["state"] = params["state"]
        sep = "&" if "?" in redirect_uri else "?"
        return Response(
            302, b"", "text/html", [("Location", redirect_uri + sep + urlencode(query))]
        )

    @staticmethod
    def _account_uuid(store_hash: str) -> str:
        h = hashlib.sha256(store_hash.encode()).hexdigest()
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"

    # token ---------------------------------------------------------------------
    def token(self, body: bytes, content_type: str, authorization: str | None) -> Response:
        form = _parse_body(body, content_type)
        if form is None:
            return _oauth_error(400, "invalid_request", "The body must be JSON or form encoded.")
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = False
        if authorization and authorization.lower().startswith("basic "):
            try:
                raw = base64.b64decode(authorization[6:]).decode()
                client_id, _, secret = raw.partition(":")
                basic = True
            except (binascii.Error, UnicodeDecodeError):
                return _oauth_error(401, "invalid_client", "Malformed Basic credentials.")
        if (
            client_id != self.client_id
            or not secret
            or not secrets.compare_digest(secret, self.client_secret)
        ):
            resp = _oauth_error(401, "invalid_client", "Client authentication failed.")
            if basic:
                resp.headers.append(("WWW-Authenticate", 'Basic realm="oauth"'))
            return resp
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._code_grant(form)
        if grant_type == "refresh_token" and self.opts.token_ttl:
            return self._refresh_grant(form)
        return _oauth_error(
            400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported."
        )

    def _code_grant(self, form: Mapping[str, str]) -> Response:
        code = form.get("code", "")
        with self._lock:
            grant = self._grants.get(code)
            if grant is None:
                return _oauth_error(400, "invalid_grant", "Unknown authorization code.")
            if grant.used:
                self.tokens.revoke_grant(code)
                return _oauth_error(
                    400, "invalid_grant", "The authorization code was already used."
                )
            grant.used = True
        if self._now() > grant.expires_at:
            return _oauth_error(400, "invalid_grant", "The authorization code has expired.")
        if grant.client_id != form.get("client_id", grant.client_id):
            return _oauth_error(400, "invalid_grant", "The code was issued to another client.")
        if form.get("redirect_uri") != grant.redirect_uri:
            return _oauth_error(
                400, "invalid_grant", "redirect_uri does not match the authorization request."
            )
        if "context" in form and form["context"] != f"stores/{grant.store_hash}":
            return _oauth_error(
                400, "invalid_grant", "context does not match the authorization request."
            )
        if grant.challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(
                b"="
            )
            if not verifier or not secrets.compare_digest(digest.decode(), grant.challenge):
                return _oauth_error(
                    400, "invalid_grant", "code_verifier does not match code_challenge."
                )
        return self._issue(grant.client_id, grant.store_hash, grant.scopes, code)

    def _refresh_grant(self, form: Mapping[str, str]) -> Response:
        value = form.get("refresh_token", "")
        with self.tokens.lock:
            old = self.tokens.refresh.get(value)
            if old is None or old.used or old.client_id != form.get("client_id", old.client_id):
                return _oauth_error(
                    400, "invalid_grant", "The refresh token is invalid or was already used."
                )
            old.used = True
        return self._issue(old.client_id, old.store_hash, old.scopes, old.grant)

    def _issue(
        self, client_id: str, store_hash: str, scopes: frozenset[str], grant: str
    ) -> Response:
        ttl = self.opts.token_ttl
        expires_at = self._now() + ttl if ttl else None
        access = self.tokens.issue(
            store_hash, scopes, expires_at=expires_at, oauth=True, grant=grant
        )
        body: dict[str, object] = {
            "access_token": access,
            "scope": " ".join(sorted(scopes)),
            "user": {"id": 24654, "username": "zoe.angstrom", "email": "zoe@example.com"},
            "owner": {"id": 24654, "username": "zoe.angstrom", "email": "zoe@example.com"},
            "context": f"stores/{store_hash}",
            "account_uuid": self._account_uuid(store_hash),
        }
        if ttl:
            refresh = secrets.token_urlsafe(24)
            with self.tokens.lock:
                self.tokens.refresh[refresh] = RefreshToken(client_id, store_hash, scopes, grant)
            body.update({"token_type": "bearer", "expires_in": ttl, "refresh_token": refresh})
        return Response(
            200, encode(body), headers=[("Cache-Control", "no-store"), ("Pragma", "no-cache")]
        )


def _parse_body(body: bytes, content_type: str) -> dict[str, str] | None:
    if "json" in content_type:
        try:
            data = msgspec.json.decode(body)
        except msgspec.DecodeError:
            return None
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None
    try:
        return dict(parse_qsl(body.decode(), keep_blank_values=True))
    except UnicodeDecodeError:
        return None


def _oauth_error(status: int, code: str, description: str) -> Response:
    return Response(
        status,
        encode({"error": code, "error_description": description}),
        headers=[("Cache-Control", "no-store"), ("Pragma", "no-cache")],
    )


def _page(status: int, message: str) -> Response:
    text = (
        "<!doctype html><title>Authorization error</title><h1>Authorization error</h1>"
        f"<p>{html.escape(message)}</p>"
    )
    return Response(status, text.encode(), "text/html; charset=utf-8")
