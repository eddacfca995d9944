"""Expiring tokens (the sandbox's token_ttl): proactive refresh, refresh after a 401,
rotation, adoption of another process's token, and concurrent refreshers."""

from __future__ import annotations

import multiprocessing
import typing as t
from pathlib import Path

import pytest
import requests

from tap_bigcommerce.auth import BigCommerceAuthenticator
from tap_bigcommerce.auth.document import TokenSet
from tap_bigcommerce.auth.errors import AuthError, OAuthServerError
from tap_bigcommerce.auth.flows import build_client, refresh_tokens
from tap_bigcommerce.auth.settings_schema import AuthSettings
from tap_bigcommerce.auth.store import SettingsStore

from .conftest import follow_authorization, oauth_config
from .helpers import Transcript, api_ok, authorize_url, cli, cli_process, write_config

TTL = 1000  # refresh margin: 10% = 100 s


def _authorized(sb: t.Any, tmp: Path, port: int, transcript: Transcript) -> dict:
    """Authorize through the web flow; return the tap config that uses the settings file."""
    config = oauth_config(sb, tmp / "bc.oauth", port, initiate_oauth="REFRESH")
    config_path = write_config(tmp / "config.json", config)
    redirect = follow_authorization(authorize_url(transcript, config_path))
    code, err = cli(transcript, "exchange", redirect, "--config", str(config_path))
    assert code == 0, err
    return config


def _file_token(config: dict) -> TokenSet:
    doc = SettingsStore.for_settings(AuthSettings.from_config(config)).read()
    assert doc is not None
    assert doc.token is not None
    return doc.token


def _refresh_directly(sb: t.Any, refresh_token: str) -> requests.Response:
    cfg = sb.tap_config()
    return requests.post(
        f"{sb.url}/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": cfg["client_id"],
            "client_secret": cfg["client_secret"],
        },
        timeout=10,
    )


@pytest.fixture
def transcript() -> Transcript:
    return Transcript()


def test_refresh_before_expiry_rotates_and_persists(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory(token_ttl=TTL)
    config = _authorized(sb, tmp_path, callback_port, transcript)
    first = _file_token(config)
    assert first.lifetime == TTL
    assert first.refresh_token
    assert first.expires_at is not None
    assert first.expires_at <= first.obtained_at + TTL  # counted from before the request

    auth = BigCommerceAuthenticator.from_config(config, clock=sb.clock.now)
    assert "refreshable" in auth.mode
    t1 = auth.current_token()
    assert t1 == first.access_token
    sb.advance_clock(TTL - 150)  # 150 s left: not yet
    assert auth.current_token() == t1
    sb.advance_clock(60)  # 90 s left: inside the 100 s margin
    t2 = auth.current_token()
    assert t2 != t1
    assert api_ok(sb, t2)
    second = _file_token(config)
    assert second.access_token == t2  # saved before use
    assert second.refresh_token
    assert second.refresh_token != first.refresh_token  # rotated
    assert first.refresh_token is not None
    old = _refresh_directly(sb, first.refresh_token)
    assert old.status_code == 400
    assert old.json()["error"] == "invalid_grant"


def test_refresh_once_after_a_401(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory(token_ttl=TTL)
    config = _authorized(sb, tmp_path, callback_port, transcript)
    auth = BigCommerceAuthenticator.from_config(config, clock=sb.clock.now)
    t1 = auth.current_token()
    sb.expire_tokens()  # the server revokes early: a 401 mid-sync
    assert not api_ok(sb, t1)
    assert auth.handle_unauthorized(t1) is True
    t2 = auth.current_token()
    assert t2 != t1
    assert api_ok(sb, t2)
    assert auth.handle_unauthorized(t1) is True  # a stale 401 from another thread: just retry
    assert auth.current_token() == t2
    assert _file_token(config).access_token == t2


def test_a_second_401_for_the_same_token_gives_up(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory(token_ttl=TTL)
    config = _authorized(sb, tmp_path, callback_port, transcript)
    auth = BigCommerceAuthenticator.from_config(config, clock=sb.clock.now)
    # Break the refresh token: the server no longer accepts it.
    token = _file_token(config)
    assert token.refresh_token is not None
    assert _refresh_directly(sb, token.refresh_token).status_code == 200
    t1 = auth.current_token()
    assert auth.handle_unauthorized(t1) is False
    assert auth.handle_unauthorized(t1) is False  # exactly one forced refresh per token
    error = auth.unauthorized_error()
    assert "tap-bigcommerce-auth login" in str(error)
    assert "invalid_grant" in str(error)


def test_adopts_a_token_another_process_refreshed(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory(token_ttl=TTL)
    config = _authorized(sb, tmp_path, callback_port, transcript)
    a = BigCommerceAuthenticator.from_config(config, clock=sb.clock.now)
    b = BigCommerceAuthenticator.from_config(config, clock=sb.clock.now)
    sb.advance_clock(TTL - 50)
    ta = a.current_token()  # A refreshes and rotates
    after_a = _file_token(config)
    tb = b.current_token()  # B re-reads under the lock and adopts A's token
    assert tb == ta
    assert _file_token(config).refresh_token == after_a.refresh_token  # no second refresh


def test_invalid_grant_rereads_the_file_before_giving_up(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory(token_ttl=TTL)
    config = _authorized(sb, tmp_path, callback_port, transcript)
    settings = AuthSettings.from_config(config)
    store = SettingsStore.for_settings(settings)
    client = build_client(settings)
    newer = TokenSet(access_token="newer-access-token-1", refresh_token="newer-refresh-token-1")

    def racing_refresh(refresh_token: str) -> TokenSet:
        # Another writer (say, a copy of the file's owner on a shared disk) got there first.
        doc = store.read()
        assert doc is not None
        doc.token = newer
        store.write(doc)
        raise OAuthServerError("refresh token already used", error="invalid_grant", status=400)

    client.refresh = racing_refresh  # type: ignore[method-assign]
    token = refresh_tokens(store, client, None, force=True)
    assert token.access_token == "newer-access-token-1"

    def plain_failure(refresh_token: str) -> TokenSet:
        raise OAuthServerError("refresh token already used", error="invalid_grant", status=400)

    client.refresh = plain_failure  # type: ignore[method-assign]
    with pytest.raises(OAuthServerError):
        refresh_tokens(store, client, None, force=True)


def _refresher(config: dict, rounds: int, start: t.Any, results: t.Any) -> None:
    settings = AuthSettings.from_config(config)
    store = SettingsStore.for_settings(settings)
    client = build_client(settings)
    start.wait(30)
    done = 0
    try:
        for _ in range(rounds):
            refresh_tokens(store, client, None, force=True)
            done += 1
    except AuthError as exc:
        results.put(f"failed after {done}: {exc}")
        return
    results.put(done)


def test_two_processes_refreshing_at_once(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory(token_ttl=TTL)
    config = _authorized(sb, tmp_path, callback_port, transcript)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    results = ctx.Queue()
    rounds = 8
    procs = [
        ctx.Process(target=_refresher, args=(config, rounds, start, results)) for _ in range(2)
    ]
    for p in procs:
        p.start()
    start.set()
    outcomes = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(30)
    assert outcomes == [rounds, rounds]
    final = _file_token(config)
    assert api_ok(sb, final.access_token)
    assert final.refresh_token is not None
    assert _refresh_directly(sb, final.refresh_token).status_code == 200  # the family is alive


def test_cli_refresh_from_two_processes(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    import subprocess

    from .helpers import AUTH_CLI

    sb = sandbox_factory(token_ttl=TTL)
    config = _authorized(sb, tmp_path, callback_port, transcript)
    config_path = str(tmp_path / "config.json")
    procs = [
        subprocess.Popen(
            [AUTH_CLI, "refresh", "--config", config_path],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        transcript.add(out, err)
        assert proc.returncode == 0, err
        assert out == ""
        assert "Refreshed" in err
    assert api_ok(sb, _file_token(config).access_token)
    status = cli_process(transcript, "status", "--config", config_path)
    assert status.returncode == 0
    assert "refreshable:   yes" in status.stderr
