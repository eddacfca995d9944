"""Auth settings: schema, inference of the method, and errors that name the setting."""

from __future__ import annotations

import typing as t

import pytest
from cryptography.fernet import Fernet
from singer_sdk.exceptions import ConfigValidationError

from tap_bigcommerce.auth.settings_schema import (
    AUTH_PROPERTIES,
    AuthSettings,
    parse_scopes,
    validate_auth_config,
)

BASE = {"store_hash": "abc123"}


def _settings(**config: t.Any) -> AuthSettings:
    return AuthSettings.from_config({**BASE, **config})


def test_secrets_are_marked_secret() -> None:
    schema = {p.name: p.to_dict()[p.name] for p in AUTH_PROPERTIES}
    for name in ("access_token", "client_secret", "oauth_settings_key", "oauth_verifier"):
        assert schema[name].get("secret") is True, name
    for name in ("client_id", "redirect_uri", "initiate_oauth", "login_url"):
        assert not schema[name].get("secret"), name
    assert schema["initiate_oauth"]["enum"] == ["OFF", "GETANDREFRESH", "REFRESH"]
    assert schema["login_url"]["default"] == "https://login.bigcommerce.com"


@pytest.mark.parametrize(
    ("config", "method", "initiate"),
    [
        ({"access_token": "tok"}, "access_token", "OFF"),
        ({"client_id": "c", "client_secret": "s"}, "oauth", "GETANDREFRESH"),
        ({"client_id": "c", "client_secret": "s", "access_token": "tok"}, "access_token", "OFF"),
        (
            {"client_id": "c", "client_secret": "s", "access_token": "t", "initiate_oauth": "OFF"},
            "access_token",
            "OFF",
        ),
        (
            {
                "client_id": "c",
                "client_secret": "s",
                "access_token": "t",
                "initiate_oauth": "refresh",
            },
            "oauth",
            "REFRESH",
        ),
        ({"auth_method": "oauth", "client_id": "c", "access_token": "t"}, "oauth", "OFF"),
    ],
)
def test_method_inference(config: dict, method: str, initiate: str) -> None:
    settings = _settings(**config)
    assert (settings.method, settings.initiate_oauth) == (method, initiate)


@pytest.mark.parametrize(
    ("config", "setting"),
    [
        ({}, "access_token"),
        ({"auth_method": "access_token"}, "access_token"),
        ({"auth_method": "token"}, "auth_method"),
        ({"client_id": "c"}, "client_secret"),
        ({"auth_method": "oauth", "client_secret": "s"}, "client_id"),
        ({"client_id": "c", "client_secret": "s", "initiate_oauth": "ALWAYS"}, "initiate_oauth"),
        ({"auth_method": "oauth", "client_id": "c", "initiate_oauth": "OFF"}, "access_token"),
        ({"access_token": "t", "login_url": "login.bigcommerce.com"}, "login_url"),
        ({"client_id": "c", "client_secret": "s", "redirect_uri": "127.0.0.1:80"}, "redirect_uri"),
        (
            {"client_id": "c", "client_secret": "s", "oauth_settings_key": "short"},
            "oauth_settings_key",
        ),
        ({"client_id": "c", "client_secret": "s", "scopes": 5}, "scopes"),
    ],
)
def test_errors_name_the_setting(config: dict, setting: str) -> None:
    with pytest.raises(ConfigValidationError) as info:
        validate_auth_config({**BASE, **config})
    assert f"'{setting}'" in str(info.value)


def test_store_hash_required() -> None:
    with pytest.raises(ConfigValidationError, match="'store_hash'"):
        validate_auth_config({"access_token": "t"})


def test_scopes_and_urls() -> None:
    assert parse_scopes("a b,c ") == ("a", "b", "c")
    assert parse_scopes(["a", " b "]) == ("a", "b")
    assert parse_scopes(None) == ()
    assert parse_scopes('["a", "b"]') == ("a", "b")  # an array setting from an env var
    key = Fernet.generate_key().decode()
    s = _settings(client_id="c", client_secret="s", oauth_settings_key=key, scopes="x y")
    assert s.is_bigcommerce
    assert s.resolved_authorization_url == "https://login.bigcommerce.com/oauth2/authorize"
    assert s.resolved_token_url == "https://login.bigcommerce.com/oauth2/token"
    assert s.context == "stores/abc123"
    assert key in s.secrets()
    assert "s" not in repr(s).split("client_secret")[-1][:3]  # secrets are not in the repr
    generic = _settings(
        client_id="c",
        client_secret="s",
        token_url="https://idp.example/token",
        authorization_url="https://idp.example/auth",
    )
    assert not generic.is_bigcommerce
    assert generic.resolved_token_url == "https://idp.example/token"


def test_default_settings_path_is_per_store_and_client(
    monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    a = _settings(client_id="c1", client_secret="s").settings_file()
    b = _settings(client_id="c2", client_secret="s").settings_file()
    c = AuthSettings.from_config({"store_hash": "other", "client_id": "c1", "client_secret": "s"})
    assert len({a, b, c.settings_file()}) == 3
    assert "abc123" in a.name
