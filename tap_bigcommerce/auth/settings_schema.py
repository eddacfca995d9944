"""The auth settings: their JSON Schema for the tap's config, and their resolution and checks."""

from __future__ import annotations

import dataclasses
import json
import os
import typing as t
from pathlib import Path
from urllib.parse import urlsplit

from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError

DEFAULT_LOGIN_URL = "https://login.bigcommerce.com"
KEY_ENV_VAR = "TAP_BIGCOMMERCE_OAUTH_SETTINGS_KEY"
AUTH_METHODS = ("access_token", "oauth")
INITIATE_MODES = ("OFF", "GETANDREFRESH", "REFRESH")

AUTH_PROPERTIES: list[th.Property] = [
    th.Property(
        "access_token",
        th.StringType,
        secret=True,
        description=(
            "A store API account token (personal token), or an app token obtained elsewhere "
            "when auth_method is oauth and initiate_oauth is OFF. Sent as X-Auth-Token."
        ),
    ),
    th.Property(
        "auth_method",
        th.StringType,
        allowed_values=list(AUTH_METHODS),
        description=(
            "How to authenticate: 'access_token' (a store API account token) or 'oauth' (an app's "
            "client id and secret). Inferred when unset: client_id without access_token means "
            "oauth; access_token without client_id, or both with initiate_oauth OFF, means "
            "access_token."
        ),
    ),
    th.Property(
        "client_id",
        th.StringType,
        description="The OAuth app's client id (BigCommerce Developer Portal > My Apps).",
    ),
    th.Property(
        "client_secret",
        th.StringType,
        secret=True,
        description="The OAuth app's client secret.",
    ),
    th.Property(
        "redirect_uri",
        th.StringType,
        description=(
            "The app's registered callback URL, byte for byte (e.g. "
            "http://127.0.0.1:8765/callback). "
            "The desktop login listens on 127.0.0.1 at its port; port 0 asks for an ephemeral "
            "port, only for servers that accept any loopback port."
        ),
    ),
    th.Property(
        "scopes",
        th.CustomType({"type": ["string", "array", "null"], "items": {"type": "string"}}),
        description="OAuth scopes to request: a space-separated string or a list.",
    ),
    th.Property(
        "oauth_verifier",
        th.StringType,
        secret=True,
        description=(
            "An authorization code to exchange, or the whole redirect URL pasted from the "
            "browser's address bar. Each code is exchanged at most once."
        ),
    ),
    th.Property(
        "oauth_settings_path",
        th.StringType,
        description=(
            "Where the encrypted OAuth settings file lives. Default: one file per store and "
            "client in the per-user data directory."
        ),
    ),
    th.Property(
        "oauth_settings_key",
        th.StringType,
        secret=True,
        description=(
            "The Fernet key that encrypts the OAuth settings file. Else the environment "
            f"variable {KEY_ENV_VAR}; else an owner-only key file next to the settings file "
            "(created on first login)."
        ),
    ),
    th.Property(
        "initiate_oauth",
        th.StringType,
        allowed_values=list(INITIATE_MODES),
        description=(
            "OFF: use access_token, never touch the settings file. GETANDREFRESH: use the "
            "settings file, else exchange oauth_verifier, else log in in a browser (interactive "
            "terminals only); refresh when needed. REFRESH: use the settings file or "
            "oauth_verifier, never open a browser; refresh when needed. Default: OFF when "
            "access_token is set, else GETANDREFRESH."
        ),
    ),
    th.Property(
        "login_url",
        th.StringType,
        default=DEFAULT_LOGIN_URL,
        description=(
            "BigCommerce's login server (authorize at /oauth2/authorize, token at /oauth2/token)."
        ),
    ),
    th.Property(
        "authorization_url",
        th.StringType,
        description="Authorization endpoint override, for any other RFC 6749 server.",
    ),
    th.Property(
        "token_url",
        th.StringType,
        description="Token endpoint override, for any other RFC 6749 server.",
    ),
]

SECRET_SETTINGS = tuple(p.name for p in AUTH_PROPERTIES if p.to_dict()[p.name].get("secret"))


def _fail(setting: str, problem: str) -> t.NoReturn:
    raise ConfigValidationError(f"Setting '{setting}': {problem}", errors=[f"{setting}: {problem}"])


def _text(config: t.Mapping[str, t.Any], name: str) -> str | None:
    value = config.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        _fail(name, "must be a string")
    value = value.strip()
    return value or None


def _check_url(name: str, value: str | None) -> None:
    if value is None:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        _fail(name, f"must be an http(s) URL, got {value!r}")


def parse_scopes(value: t.Any) -> tuple[str, ...]:
    """Scopes as a tuple, from a space/comma-separated string or a list."""
    if value is None:
        return ()
    if isinstance(value, str) and value.strip().startswith("["):
        # An array setting passed through an environment variable arrives as JSON.
        try:
            value = json.loads(value)
        except ValueError:
            _fail("scopes", "looks like a JSON list but is not valid JSON")
    if isinstance(value, str):
        return tuple(s for s in value.replace(",", " ").split() if s)
    if isinstance(value, (list, tuple)) and all(isinstance(s, str) for s in value):
        return tuple(s.strip() for s in value if s.strip())
    _fail("scopes", "must be a space-separated string or a list of strings")


@dataclasses.dataclass(frozen=True)
class AuthSettings:
    """The auth settings, resolved and checked."""

    store_hash: str
    method: str
    initiate_oauth: str
    access_token: str | None = dataclasses.field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = dataclasses.field(default=None, repr=False)
    redirect_uri: str | None = None
    scopes: tuple[str, ...] = ()
    oauth_verifier: str | None = dataclasses.field(default=None, repr=False)
    oauth_settings_path: str | None = None
    oauth_settings_key: str | None = dataclasses.field(default=None, repr=False)
    login_url: str = DEFAULT_LOGIN_URL
    authorization_url: str | None = None
    token_url: str | None = None

    @property
    def is_bigcommerce(self) -> bool:
        """True when talking to BigCommerce's own login server (no endpoint overrides)."""
        return self.authorization_url is None and self.token_url is None

    @property
    def resolved_authorization_url(self) -> str:
        return self.authorization_url or f"{self.login_url.rstrip('/')}/oauth2/authorize"

    @property
    def resolved_token_url(self) -> str:
        return self.token_url or f"{self.login_url.rstrip('/')}/oauth2/token"

    @property
    def context(self) -> str:
        """BigCommerce's context for this store."""
        return f"stores/{self.store_hash}"

    @property
    def uses_settings_file(self) -> bool:
        return self.method == "oauth" and self.initiate_oauth != "OFF"

    def secrets(self) -> list[str]:
        """Secret values present in the settings (to register with the redaction filter)."""
        values = [
            self.access_token,
            self.client_secret,
            self.oauth_verifier,
            self.oauth_settings_key,
        ]
        return [v for v in values if v]

    def settings_file(self) -> Path:
        """The settings file's path (the default is per user, per store and client)."""
        if self.oauth_settings_path:
            return Path(os.path.expanduser(self.oauth_settings_path))
        from tap_bigcommerce.auth.keys import default_settings_path

        return default_settings_path(self.store_hash, self.client_id or "")

    @classmethod
    def from_config(cls, config: t.Mapping[str, t.Any]) -> AuthSettings:
        """Resolve and check the auth settings; errors name the setting to fix."""
        store_hash = _text(config, "store_hash")
        if not store_hash:
            _fail(
                "store_hash",
                "is required (the store's hash, as in api.bigcommerce.com/stores/{hash})",
            )
        access_token = _text(config, "access_token")
        client_id = _text(config, "client_id")
        client_secret = _text(config, "client_secret")
        method = _text(config, "auth_method")
        initiate = _text(config, "initiate_oauth")
        if initiate is not None:
            initiate = initiate.upper()
            if initiate not in INITIATE_MODES:
                _fail("initiate_oauth", f"must be one of {', '.join(INITIATE_MODES)}")
        if method is not None:
            method = method.lower()
            if method not in AUTH_METHODS:
                _fail("auth_method", f"must be one of {', '.join(AUTH_METHODS)}")
        elif client_id and (not access_token or initiate not in (None, "OFF")):
            method = "oauth"
        elif access_token:
            method = "access_token"
        else:
            _fail(
                "access_token",
                "no credentials: set access_token (a store API account token), or client_id and "
                "client_secret (an OAuth app)",
            )
        if initiate is None:
            initiate = "OFF" if (method == "access_token" or access_token) else "GETANDREFRESH"

        if (method == "access_token" or initiate == "OFF") and not access_token:
            what = "is required when auth_method is access_token"
            if method == "oauth":
                what = (
                    "is required when initiate_oauth is OFF; set initiate_oauth to "
                    "GETANDREFRESH or REFRESH to use the OAuth settings file instead"
                )
            _fail("access_token", what)
        if method == "oauth":
            if not client_id:
                _fail("client_id", "is required when auth_method is oauth")
            if not client_secret and initiate != "OFF":
                _fail("client_secret", "is required when auth_method is oauth")

        for name in ("login_url", "authorization_url", "token_url", "redirect_uri"):
            _check_url(name, _text(config, name))
        redirect_uri = _text(config, "redirect_uri")
        settings_path = _text(config, "oauth_settings_path")
        if settings_path is not None and Path(os.path.expanduser(settings_path)).is_dir():
            _fail(
                "oauth_settings_path",
                f"{settings_path} is a directory; give the path of the settings file itself "
                f"(e.g. {Path(settings_path) / (store_hash + '.oauth')})",
            )
        key = _text(config, "oauth_settings_key")
        if key is not None:
            from tap_bigcommerce.auth.keys import check_key

            problem = check_key(key)
            if problem:
                _fail("oauth_settings_key", problem)

        return cls(
            store_hash=store_hash,
            method=method,
            initiate_oauth=initiate,
            access_token=access_token,
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=redirect_uri,
            scopes=parse_scopes(config.get("scopes")),
            oauth_verifier=_text(config, "oauth_verifier"),
            oauth_settings_path=_text(config, "oauth_settings_path"),
            oauth_settings_key=key,
            login_url=(_text(config, "login_url") or DEFAULT_LOGIN_URL).rstrip("/"),
            authorization_url=_text(config, "authorization_url"),
            token_url=_text(config, "token_url"),
        )


def validate_auth_config(config: t.Mapping[str, t.Any]) -> None:
    """Check the auth settings before any request.

    Raises ConfigValidationError whose message names the setting to fix.
    """
    AuthSettings.from_config(config)
