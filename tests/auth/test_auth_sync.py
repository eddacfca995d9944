"""A full sync with the stored token, and a 401 in the middle of a sync."""

from __future__ import annotations

import contextlib
import io
import json
import typing as t
from pathlib import Path

import pytest

from tap_bigcommerce.auth.settings_schema import AuthSettings
from tap_bigcommerce.auth.store import SettingsStore
from tests.tapio import run_tap

from .conftest import deliver, follow_authorization, oauth_config
from .helpers import LoginThread, Transcript, write_config


def _desktop_login(sb: t.Any, tmp: Path, port: int, transcript: Transcript) -> dict:
    config = oauth_config(sb, tmp / "bc.oauth", port)
    login = LoginThread(transcript, write_config(tmp / "config.json", config), "--no-browser")
    login.start()
    deliver(follow_authorization(login.wait_url()))
    assert login.finish() == 0, login.stderr
    return {**config, "initiate_oauth": "REFRESH"}


def test_full_sync_with_the_stored_token(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path
) -> None:
    transcript = Transcript()
    sb = sandbox_factory()
    config = _desktop_login(sb, tmp_path, callback_port, transcript)
    run = run_tap(config)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.streams_with_records() >= {"orders", "products", "customers"}
    # The same records as a sync with the store's personal API token.
    personal = run_tap({**sb.tap_config(), "api_url": sb.url})
    assert personal.returncode == 0
    for stream in ("orders", "products", "customers"):
        assert len(run.records(stream)) == len(personal.records(stream)) > 0
    stored = SettingsStore.for_settings(AuthSettings.from_config(config)).read()
    assert stored is not None
    assert stored.token is not None
    for secret in (stored.token.access_token, config["client_secret"]):
        assert secret not in run.stdout
        assert secret not in run.stderr


def test_sync_survives_a_401_mid_sync(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tap_bigcommerce.tap import TapBigCommerce

    transcript = Transcript()
    sb = sandbox_factory(token_ttl=3600)
    config = _desktop_login(sb, tmp_path, callback_port, transcript)
    tap = TapBigCommerce(config=config)
    before = tap.store_context(config["store_hash"]).api.authenticator.current_token()
    sb.expire_tokens()  # every issued token now answers 401
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    with contextlib.redirect_stdout(out):
        tap.sync_all()
    out.flush()
    written = raw.getvalue().decode()
    messages = [json.loads(line) for line in written.splitlines() if line.strip()]
    orders = [m for m in messages if m["type"] == "RECORD" and m["stream"] == "orders"]
    assert len(orders) > 0
    after = tap.store_context(config["store_hash"]).api.authenticator.current_token()
    assert after != before
    stored = SettingsStore.for_settings(AuthSettings.from_config(config)).read()
    assert stored is not None
    assert stored.token is not None
    assert stored.token.access_token == after
    logs = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (before, after, stored.token.refresh_token or "", config["client_secret"]):
        assert secret not in logs
        assert secret not in written
