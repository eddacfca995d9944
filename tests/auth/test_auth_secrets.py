"""Every secret value, grepped for in everything the auth layer and the tap printed or raised."""

from __future__ import annotations

import logging
import typing as t
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from singer_sdk.exceptions import ConfigValidationError

from tap_bigcommerce.auth import BigCommerceAuthenticator
from tap_bigcommerce.auth.errors import AuthError
from tap_bigcommerce.auth.settings_schema import AuthSettings
from tap_bigcommerce.auth.store import SettingsStore
from tests.tapio import run_tap

from .conftest import deliver, follow_authorization, oauth_config
from .helpers import LoginThread, Transcript, authorize_url, cli, cli_process, write_config


class Secrets:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def add(self, label: str, value: str | None) -> None:
        if value:
            self.values[f"{label}#{len(self.values)}"] = value

    def from_file(self, store: SettingsStore) -> None:
        doc = store.read()
        if doc is None:
            return
        if doc.token is not None:
            self.add("access_token", doc.token.access_token)
            self.add("refresh_token", doc.token.refresh_token)
        if doc.pending is not None:
            self.add("code_verifier", doc.pending.code_verifier)


def test_no_secret_in_any_output(
    sandbox_factory: t.Any,
    callback_port: int,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    transcript = Transcript()
    errors: list[str] = []
    secrets = Secrets()
    states: list[str] = []
    sb = sandbox_factory(token_ttl=3600)
    config = oauth_config(sb, tmp_path / "bc.oauth", callback_port)
    config_path = write_config(tmp_path / "config.json", config)
    store = SettingsStore.for_settings(AuthSettings.from_config(config))
    secrets.add("client_secret", config["client_secret"])

    # Desktop login.
    login = LoginThread(transcript, config_path, "--no-browser")
    login.start()
    location = follow_authorization(login.wait_url())
    query = parse_qs(urlsplit(location).query)
    secrets.add("code", query["code"][0])
    states.append(query["state"][0])
    deliver(location)
    assert login.finish() == 0
    secrets.from_file(store)
    secrets.add("key", store.key_path.read_text().strip())

    # Web flow, step 2 in another process.
    url = authorize_url(transcript, config_path)
    secrets.from_file(store)  # the pending PKCE verifier
    redirect = follow_authorization(url)
    query = parse_qs(urlsplit(redirect).query)
    secrets.add("code", query["code"][0])
    states.append(query["state"][0])
    assert (
        cli_process(transcript, "exchange", redirect, "--config", str(config_path)).returncode == 0
    )
    secrets.from_file(store)

    # Refusals: the same code again, a forged state, a wrong client secret.
    assert cli(transcript, "exchange", redirect, "--config", str(config_path))[0] == 1
    assert (
        cli(
            transcript,
            "exchange",
            redirect.replace("state=", "state=zz"),
            "--config",
            str(config_path),
        )[0]
        == 1
    )
    wrong = {
        **config,
        "client_secret": "definitely-wrong-secret",
        "oauth_settings_path": str(tmp_path / "w.oauth"),
    }
    secrets.add("client_secret", "definitely-wrong-secret")
    wrong_login = LoginThread(
        transcript, write_config(tmp_path / "wrong.json", wrong), "--no-browser"
    )
    wrong_login.start()
    wrong_location = follow_authorization(wrong_login.wait_url())
    secrets.add("code", parse_qs(urlsplit(wrong_location).query)["code"][0])
    deliver(wrong_location)
    assert wrong_login.finish() == 1

    # Refresh, status, a 401 and a forced refresh inside the authenticator.
    assert cli(transcript, "refresh", "--config", str(config_path))[0] == 0
    secrets.from_file(store)
    assert cli(transcript, "status", "--config", str(config_path))[0] == 0
    auth = BigCommerceAuthenticator.from_config({**config, "initiate_oauth": "REFRESH"})
    sb.expire_tokens()
    assert auth.handle_unauthorized(auth.current_token())
    secrets.from_file(store)
    logging.getLogger("tap_bigcommerce.test").info("authenticator mode: %s", auth.mode)

    # A full sync in its own process, logging at DEBUG.
    run = run_tap({**config, "initiate_oauth": "REFRESH", "log_level": "DEBUG"})
    assert run.returncode == 0, run.stderr[-2000:]
    transcript.add(run.stdout, run.stderr)
    secrets.from_file(store)

    # Errors raised to callers.
    for bad in (
        {
            **config,
            "initiate_oauth": "REFRESH",
            "oauth_settings_path": str(tmp_path / "none.oauth"),
        },
        {**config, "oauth_settings_key": "not-a-key"},
    ):
        try:
            BigCommerceAuthenticator.from_config(bad, interactive=False)
        except (AuthError, ConfigValidationError) as exc:
            errors.append(str(exc))
    assert len(errors) == 2

    logs = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    everything = "\n".join([transcript.text(), logs, *errors])
    assert len(secrets.values) >= 10
    assert "Authorized" in transcript.text()  # the grep ran over real output
    assert "Refreshed" in transcript.text()
    assert "Renewed the OAuth token after a 401" in logs
    for label, value in secrets.values.items():
        assert value not in everything, f"{label} leaked"
    # The state is shown with the URL the user opens (it is part of that URL), and nowhere else.
    for state in states:
        assert state not in logs
        assert state not in run.stdout
        assert all(state not in e for e in errors)
