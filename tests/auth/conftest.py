"""Fixtures for the auth tests: settings, a sandbox OAuth server, a test playing the browser."""

from __future__ import annotations

import contextlib
import socket
import typing as t
from pathlib import Path

import pytest
import requests

from tap_bigcommerce.auth.redaction import register_secrets

STORE = "abc123store"
CLIENT_ID = "client-id-0001"
CLIENT_SECRET = "client-secret-value-0001"


def free_port() -> int:
    """A loopback port that is free right now."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "machine-a" / "oauth" / "settings.oauth"


@pytest.fixture
def base_config(settings_path: Path) -> dict[str, t.Any]:
    """An OAuth config that needs no server (for store and settings tests)."""
    return {
        "store_hash": STORE,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": "http://127.0.0.1:8976/callback",
        "oauth_settings_path": str(settings_path),
        "initiate_oauth": "REFRESH",
        "login_url": "http://127.0.0.1:9",
    }


@pytest.fixture(autouse=True)
def _no_key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key comes from the test's config or key file, never from the developer's environment."""
    monkeypatch.delenv("TAP_BIGCOMMERCE_OAUTH_SETTINGS_KEY", raising=False)


def _sandbox_module() -> t.Any:
    import bigcommerce_sandbox as sandbox

    return sandbox


@pytest.fixture
def callback_port() -> int:
    return free_port()


@pytest.fixture
def sandbox_factory(callback_port: int) -> t.Iterator[t.Callable[..., t.Any]]:
    """Start sandboxes (closed at the end); the callback port is registered as redirect URI."""
    sandbox = _sandbox_module()
    with contextlib.ExitStack() as stack:

        def start(**options: t.Any) -> t.Any:
            opts = {
                "seed": 1,
                "orders": 30,
                "products": 20,
                "customers": 20,
                "redirect_uris": (f"http://127.0.0.1:{callback_port}/callback",),
                **options,
            }
            sb = stack.enter_context(sandbox.Sandbox(sandbox.SandboxOptions(**opts)))
            cfg = sb.tap_config()
            register_secrets([cfg.get("client_secret"), cfg.get("access_token")])
            return sb

        yield start


def oauth_config(sb: t.Any, settings_file: Path, callback_port: int, **overrides: t.Any) -> dict:
    """A tap config for the sandbox's OAuth app (no access token: tokens come from the file)."""
    cfg = dict(sb.tap_config())
    cfg.pop("access_token", None)
    cfg.update(
        {
            "redirect_uri": f"http://127.0.0.1:{callback_port}/callback",
            "oauth_settings_path": str(settings_file),
            "initiate_oauth": "GETANDREFRESH",
        }
    )
    cfg.update(overrides)
    return cfg


def follow_authorization(url: str) -> str:
    """Play the browser: open the authorization URL and return where the server redirects."""
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code in (301, 302, 303, 307), response.text[:300]
    return str(response.headers["Location"])


def deliver(location: str) -> requests.Response:
    """Play the browser's second step: load the redirect URI (the loopback callback)."""
    return requests.get(location, allow_redirects=False, timeout=10)
