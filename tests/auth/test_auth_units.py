"""Small pieces: PKCE, URL building, verifier parsing, redaction, CLI parsing and exit codes."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tap_bigcommerce.auth.authenticator import BigCommerceAuthenticator
from tap_bigcommerce.auth.cli import load_settings, run
from tap_bigcommerce.auth.errors import AuthError, reauthorize_error
from tap_bigcommerce.auth.flows import build_client
from tap_bigcommerce.auth.oauth import (
    code_challenge,
    new_code_verifier,
    new_state,
    parse_verifier,
)
from tap_bigcommerce.auth.redaction import MASK, install_redaction, redact, register_secret
from tap_bigcommerce.auth.settings_schema import AuthSettings

from .conftest import CLIENT_ID, STORE


def test_pkce_s256() -> None:
    verifier = new_code_verifier()
    assert 43 <= len(verifier) <= 128
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert code_challenge(verifier) == expected.rstrip(b"=").decode()
    assert new_state() != new_state()


def test_bigcommerce_authorization_url(base_config: dict) -> None:
    settings = AuthSettings.from_config({**base_config, "scopes": ["store_v2_orders_read_only"]})
    client = build_client(settings)
    url = client.authorization_url(
        redirect_uri="http://127.0.0.1:8976/callback", state="st" * 20, code_verifier="v" * 50
    )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://127.0.0.1:9/oauth2/authorize"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "client_id": CLIENT_ID,
        "redirect_uri": "http://127.0.0.1:8976/callback",
        "response_type": "code",
        "scope": "store_v2_orders_read_only",
        "context": f"stores/{STORE}",
        "state": "st" * 20,
        "code_challenge": code_challenge("v" * 50),
        "code_challenge_method": "S256",
    }


def test_generic_server_has_no_bigcommerce_context(base_config: dict) -> None:
    settings = AuthSettings.from_config(
        {
            **base_config,
            "authorization_url": "https://idp.example/authorize?tenant=x",
            "token_url": "https://idp.example/token",
        }
    )
    client = build_client(settings)
    url = client.authorization_url(
        redirect_uri="http://127.0.0.1:1/cb", state="s" * 40, code_verifier=None
    )
    assert url.startswith("https://idp.example/authorize?tenant=x&client_id=")
    assert "context" not in parse_qs(urlsplit(url).query)
    assert client.token_endpoint == "https://idp.example/token"


@pytest.mark.parametrize(
    ("value", "code", "state", "context"),
    [
        ("abcdef123456", "abcdef123456", None, None),
        (
            "http://127.0.0.1:8976/callback?code=c0de1234&scope=a+b&context=stores%2Fx&state=st4te123",
            "c0de1234",
            "st4te123",
            "stores/x",
        ),
        ("?code=c0de1234&state=st4te123", "c0de1234", "st4te123", None),
        ("code=c0de1234", "c0de1234", None, None),
    ],
)
def test_parse_verifier(value: str, code: str, state: str | None, context: str | None) -> None:
    response = parse_verifier(value)
    assert (response.code, response.state, response.context) == (code, state, context)


def test_parse_verifier_errors() -> None:
    with pytest.raises(AuthError, match="empty"):
        parse_verifier("  ")
    with pytest.raises(AuthError, match="no 'code' parameter"):
        parse_verifier("http://127.0.0.1/callback?state=abc")
    denied = parse_verifier("http://127.0.0.1/cb?error=access_denied&state=abc")
    assert denied.error == "access_denied"


def test_redaction_masks_secrets_headers_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    install_redaction(["registered-secret-value"])
    register_secret("late-secret-value")
    log = logging.getLogger("tap_bigcommerce.some.child")
    with caplog.at_level(logging.DEBUG):
        log.info("token %s and %s", "registered-secret-value", "late-secret-value")
        log.info("headers {'X-Auth-Token': 'unregistered-header-token', 'Accept': 'x'}")
        log.info("Authorization: Bearer unregistered-bearer")
        log.info("POST body grant_type=refresh_token&refresh_token=unregistered-rt&client_id=c")
        try:
            raise ValueError("boom registered-secret-value")
        except ValueError:
            log.exception("failed")
    text = caplog.text
    for leaked in (
        "registered-secret-value",
        "late-secret-value",
        "unregistered-header-token",
        "unregistered-bearer",
        "unregistered-rt",
    ):
        assert leaked not in text
    assert MASK in text
    assert "grant_type=refresh_token" in text  # non-secret fields stay readable
    assert logging.getLogger("urllib3").level == logging.WARNING
    assert (
        redact("status code: 404, state of the stream") == "status code: 404, state of the stream"
    )


def test_auth_error_messages_are_redacted() -> None:
    register_secret("secret-in-a-message")
    assert "secret-in-a-message" not in str(AuthError("server said secret-in-a-message"))
    assert "re-authorize" in str(reauthorize_error("OAuth settings file x"))
    assert "control panel" in str(reauthorize_error("store API account token"))


def test_personal_token_authenticator() -> None:
    auth = BigCommerceAuthenticator.from_config(
        {"store_hash": STORE, "access_token": "personal-token-1"}
    )
    assert auth.mode == "store API account token"
    assert auth.current_token() == "personal-token-1"
    assert auth.handle_unauthorized("personal-token-1") is False
    assert "access_token" in str(auth.unauthorized_error())


def test_off_mode_never_touches_the_settings_file(base_config: dict, settings_path: Path) -> None:
    config = {**base_config, "initiate_oauth": "OFF", "access_token": "app-token-from-config"}
    config["auth_method"] = "oauth"
    auth = BigCommerceAuthenticator.from_config(config)
    assert auth.current_token() == "app-token-from-config"
    assert auth.handle_unauthorized("app-token-from-config") is False
    assert not settings_path.parent.exists()
    assert "client-id-0001" in auth.mode


def test_authenticate_request_is_idempotent() -> None:
    import requests

    auth = BigCommerceAuthenticator(access_token="personal-token-2")
    prepared = requests.Request("GET", "http://127.0.0.1/x").prepare()
    auth.authenticate_request(prepared)
    auth.authenticate_request(prepared)
    assert prepared.headers["X-Auth-Token"] == "personal-token-2"


def test_cli_settings_from_file_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"store_hash": "from-file", "client_id": "c", "other": 1}))
    merged = load_settings(
        str(path),
        {
            "TAP_BIGCOMMERCE_STORE_HASH": "from-env",
            "TAP_BIGCOMMERCE_SCOPES": "a b",
            "UNRELATED": "x",
        },
    )
    assert merged == {"store_hash": "from-env", "client_id": "c", "other": 1, "scopes": "a b"}


def _run(*argv: str, environ: dict[str, str] | None = None) -> tuple[int, str]:
    err = io.StringIO()
    code = run(list(argv), environ=environ or {}, err=err)
    return code, err.getvalue()


def test_cli_usage_errors_have_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run("status", "--config", str(tmp_path / "missing.json"))
    assert code == 2
    assert "Cannot read --config" in err
    (tmp_path / "bad.json").write_text("{not json")
    code, err = _run("status", "--config", str(tmp_path / "bad.json"))
    assert code == 2
    assert "not valid JSON" in err
    code, err = _run("status", environ={"TAP_BIGCOMMERCE_STORE_HASH": "abc"})
    assert code == 2
    assert "'client_id'" in err
    assert "Traceback" not in err
    with pytest.raises(SystemExit) as info:
        run(["frobnicate"], environ={})
    assert info.value.code == 2
    assert capsys.readouterr().out == ""


def test_cli_status_not_logged_in_and_logout_confirmation(
    base_config: dict, settings_path: Path
) -> None:
    env = {f"TAP_BIGCOMMERCE_{k.upper()}": str(v) for k, v in base_config.items()}
    code, err = _run("status", environ=env)
    assert code == 3
    assert "token:         none" in err
    assert CLIENT_ID in err
    code, err = _run("logout", environ=env)
    assert code == 2
    assert "--yes" in err
    code, err = _run("logout", "--yes", environ=env)
    assert code == 0
    assert "nothing to delete" in err
    assert not settings_path.parent.exists()  # not even a directory to lock in


def test_login_needs_a_loopback_redirect_uri(base_config: dict) -> None:
    env = {f"TAP_BIGCOMMERCE_{k.upper()}": str(v) for k, v in base_config.items()}
    env["TAP_BIGCOMMERCE_REDIRECT_URI"] = "https://app.example.com/auth/callback"
    code, err = _run("login", "--no-browser", environ=env)
    assert code == 1
    assert "authorize-url" in err
    env.pop("TAP_BIGCOMMERCE_REDIRECT_URI")
    code, err = _run("authorize-url", environ=env)
    assert code == 1
    assert "Setting 'redirect_uri' is required" in err
