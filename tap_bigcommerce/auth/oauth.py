"""A provider-neutral OAuth 2.0 client (RFC 6749 + PKCE, RFC 7636).

It knows BigCommerce's variant (no expiry, no refresh token, `context` in the exchange)
only through the extra parameters it is given.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import secrets
import time
import typing as t
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import requests

from tap_bigcommerce.auth.document import TokenSet
from tap_bigcommerce.auth.errors import AUTH_COMMAND, AuthError, OAuthServerError
from tap_bigcommerce.auth.redaction import register_secrets

DEFAULT_TIMEOUT_S = 30.0


def new_state() -> str:
    """A random, unguessable `state` value."""
    state = secrets.token_urlsafe(32)
    register_secrets([state])
    return state


def new_code_verifier() -> str:
    """A PKCE code verifier (43-128 unreserved characters)."""
    verifier = secrets.token_urlsafe(64)
    register_secrets([verifier])
    return verifier


def code_challenge(verifier: str) -> str:
    """The S256 code challenge for `verifier`."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclasses.dataclass(frozen=True)
class AuthorizationResponse:
    """What came back to the redirect URI (or was pasted by the user)."""

    code: str | None = dataclasses.field(default=None, repr=False)
    state: str | None = dataclasses.field(default=None, repr=False)
    scope: str | None = None
    context: str | None = None
    account_uuid: str | None = None
    error: str | None = None
    error_description: str | None = None
    from_url: bool = False

    @classmethod
    def from_query(cls, query: str) -> AuthorizationResponse:
        """Read the redirect's query string, the one way both the callback and a paste do it.

        The last value of a repeated parameter wins and an empty one counts as absent. The
        code and state are registered as secrets before anything can log them.
        """
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        register_secrets([params.get("code"), params.get("state")])

        def param(name: str) -> str | None:
            return params.get(name) or None

        return cls(
            code=param("code"),
            state=param("state"),
            scope=param("scope"),
            context=param("context"),
            account_uuid=param("account_uuid"),
            error=param("error"),
            error_description=param("error_description"),
            from_url=True,
        )

    @property
    def answered(self) -> bool:
        """Whether the server said anything: a code or an error (else it is not a redirect)."""
        return self.code is not None or self.error is not None


def parse_verifier(value: str) -> AuthorizationResponse:
    """Accept a bare authorization code or a whole redirect URL (or its query string)."""
    value = value.strip()
    if not value:
        raise AuthError(
            "The verifier is empty: pass the code, or the whole redirect URL from the browser."
        )
    query: str | None = None
    if "://" in value:
        query = urlsplit(value).query
    elif value.startswith("?") or ("=" in value and ("code=" in value or "error=" in value)):
        query = value.lstrip("?")
    if query is None:
        register_secrets([value])
        return AuthorizationResponse(code=value)
    response = AuthorizationResponse.from_query(query)
    if not response.answered:
        raise AuthError(
            "The redirect URL has no 'code' parameter: copy the whole address from the browser "
            "after approving the app (it contains code=...)."
        )
    return response


def add_query(url: str, params: t.Mapping[str, str]) -> str:
    parts = urlsplit(url)
    query = parts.query + ("&" if parts.query else "") + urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


class OAuthClient:
    """Authorization URLs, code exchange and refresh against one RFC 6749 server."""

    def __init__(
        self,
        *,
        authorization_url: str,
        token_url: str,
        client_id: str,
        client_secret: str | None,
        scopes: t.Sequence[str] = (),
        extra_authorize_params: t.Mapping[str, str] | None = None,
        extra_token_params: t.Mapping[str, str] | None = None,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
        clock: t.Callable[[], float] = time.time,
    ) -> None:
        self.authorization_endpoint = authorization_url
        self.token_endpoint = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.scopes = tuple(scopes)
        self.extra_authorize_params = dict(extra_authorize_params or {})
        self.extra_token_params = dict(extra_token_params or {})
        self._session = session or requests.Session()
        self.timeout = timeout
        self._clock = clock
        register_secrets([client_secret])

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str | None) -> str:
        """The URL the user opens to approve the app."""
        params: dict[str, str] = {
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
        }
        if self.scopes:
            params["scope"] = " ".join(self.scopes)
        params.update(self.extra_authorize_params)
        params["state"] = state
        if code_verifier:
            params["code_challenge"] = code_challenge(code_verifier)
            params["code_challenge_method"] = "S256"
        return add_query(self.authorization_endpoint, params)

    def exchange_code(
        self,
        *,
        code: str,
        redirect_uri: str,
        code_verifier: str | None,
        scope: str | None = None,
    ) -> TokenSet:
        """Exchange an authorization code for tokens."""
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            **self.extra_token_params,
        }
        if scope or self.scopes:
            data["scope"] = scope or " ".join(self.scopes)
        if code_verifier:
            data["code_verifier"] = code_verifier
        return self._token_request(data, grant="authorization_code")

    def refresh(self, refresh_token: str) -> TokenSet:
        """Trade a refresh token for new tokens (keeping the old one if none is returned)."""
        data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        token = self._token_request(data, grant="refresh_token")
        if not token.refresh_token:
            token.refresh_token = refresh_token
        return token

    def _token_request(self, data: dict[str, str], *, grant: str) -> TokenSet:
        data = {"client_id": self.client_id, **data}
        if self._client_secret:
            data["client_secret"] = self._client_secret
        started = self._clock()  # expiry counts from before the request
        try:
            response = self._session.post(
                self.token_endpoint,
                data=data,
                headers={"Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise AuthError(
                f"Could not reach the token endpoint {self.token_endpoint}: {type(exc).__name__}. "
                "Check login_url / token_url and the network, then retry."
            ) from None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if (
            response.status_code >= 400
            or not isinstance(payload, dict)
            or "access_token" not in payload
        ):
            raise self._error(response.status_code, payload, grant)
        access = payload.get("access_token")
        if not isinstance(access, str) or not access:
            raise AuthError(f"The token endpoint {self.token_endpoint} returned no access_token.")
        refresh = payload.get("refresh_token")
        register_secrets([access, refresh if isinstance(refresh, str) else None])
        expires_in = payload.get("expires_in")
        lifetime: float | None = None
        if expires_in is not None:
            try:
                lifetime = float(expires_in)
            except (TypeError, ValueError):
                lifetime = None
        known = {"access_token", "refresh_token", "token_type", "scope", "expires_in", "id_token"}
        extra = {k: v for k, v in payload.items() if k not in known}
        return TokenSet(
            access_token=access,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            token_type=str(payload.get("token_type") or "bearer"),
            scope=str(payload["scope"]) if payload.get("scope") is not None else None,
            expires_at=started + lifetime if lifetime is not None else None,
            lifetime=lifetime,
            obtained_at=started,
            extra=extra,
        )

    def _error(self, status: int, payload: t.Any, grant: str) -> AuthError:
        error = ""
        description = ""
        if isinstance(payload, dict):
            error = str(payload.get("error") or "")
            description = str(payload.get("error_description") or payload.get("title") or "")
        detail = f" ({description})" if description else ""
        if error == "invalid_client" or (status == 401 and not error):
            message = (
                f"The authorization server rejected the client credentials (HTTP {status} "
                f"{error or 'Unauthorized'}){detail}. Check client_id and client_secret against "
                "the "
                "app's credentials in the developer portal."
            )
        elif error == "invalid_grant" and grant == "refresh_token":
            message = (
                f"The refresh token was rejected (invalid_grant){detail}: it was revoked, expired "
                "or "
                f"already used. Log in again: `{AUTH_COMMAND} login`."
            )
        elif error == "invalid_grant":
            message = (
                f"The authorization code was rejected (invalid_grant){detail}: codes are "
                "single-use "
                "and short-lived, and redirect_uri and the PKCE verifier must match the "
                f"authorization request exactly. Start a new authorization (`{AUTH_COMMAND} login` "
                "or "
                f"`{AUTH_COMMAND} authorize-url`) with redirect_uri set to the app's registered "
                "callback URL."
            )
        elif error == "invalid_scope":
            message = (
                f"The requested scopes were refused (invalid_scope){detail}. "
                "Fix the scopes setting."
            )
        elif error:
            message = f"The authorization server refused the request ({error}){detail}."
        else:
            message = (
                f"The token endpoint {self.token_endpoint} answered HTTP {status} without an "
                "OAuth response. Check login_url / token_url."
            )
        return OAuthServerError(message, error=error or f"http_{status}", status=status)
