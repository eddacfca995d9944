"""End to end against the sandbox's OAuth server: desktop, web and headless flows, refusals."""

from __future__ import annotations

import contextlib
import shutil
import socket
import typing as t
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tap_bigcommerce.auth import BigCommerceAuthenticator
from tap_bigcommerce.auth.errors import AuthError, SettingsFileError
from tap_bigcommerce.auth.settings_schema import AuthSettings
from tap_bigcommerce.auth.store import SettingsStore

from .conftest import deliver, follow_authorization, oauth_config
from .helpers import (
    LoginThread,
    Transcript,
    api_ok,
    authorize_url,
    cli,
    cli_process,
    url_from,
    write_config,
)


@pytest.fixture
def transcript() -> Transcript:
    return Transcript()


def _login(
    transcript: Transcript, sb: t.Any, tmp: Path, port: int, **overrides: t.Any
) -> tuple[Path, dict]:
    """Desktop login on 'machine A' with the test playing the browser."""
    settings_file = tmp / "machine-a" / "bc.oauth"
    config = oauth_config(sb, settings_file, port, **overrides)
    config_path = write_config(tmp / "machine-a" / "config.json", config)
    login = LoginThread(transcript, config_path, "--no-browser", "--timeout", "20")
    login.start()
    url = login.wait_url()
    callback = deliver(follow_authorization(url))
    assert callback.status_code == 200
    assert "close this tab" in callback.text
    assert login.finish() == 0, login.stderr
    return settings_file, config


def test_desktop_login_end_to_end(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory()
    scopes = "store_v2_orders_read_only store_v2_products_read_only"
    settings_file, config = _login(transcript, sb, tmp_path, callback_port, scopes=scopes)
    assert settings_file.exists()
    query = parse_qs(urlsplit(url_from(transcript.text())).query)
    assert query["scope"] == [scopes]
    assert query["context"] == [f"stores/{config['store_hash']}"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [f"http://127.0.0.1:{callback_port}/callback"]
    assert len(query["state"][0]) >= 32

    auth = BigCommerceAuthenticator.from_config({**config, "initiate_oauth": "REFRESH"})
    assert api_ok(sb, auth.current_token())
    assert "non-expiring" in auth.mode
    assert auth.current_token() not in auth.mode

    code, status = cli(transcript, "status", "--config", str(tmp_path / "machine-a/config.json"))
    assert code == 0
    assert config["store_hash"] in status
    assert config["client_id"] in status
    assert str(settings_file) in status
    assert "never (the token does not expire)" in status
    assert f"scopes:        {scopes}" in status
    assert auth.current_token() not in status

    # Another path on the callback server is a 404, not a login.
    port = callback_port
    with contextlib.suppress(requests.ConnectionError):
        # the login has finished, so nothing listens any more
        requests.get(f"http://127.0.0.1:{port}/other", timeout=2)


def test_callback_server_404_and_ephemeral_port(
    sandbox_factory: t.Any, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory(allow_any_loopback_port=True)
    settings_file = tmp_path / "eph.oauth"
    config = oauth_config(sb, settings_file, 0)  # port 0: any loopback port the OS gives
    config_path = write_config(tmp_path / "config.json", config)
    login = LoginThread(transcript, config_path, "--no-browser")
    login.start()
    url = login.wait_url()
    redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"][0]
    port = urlsplit(redirect_uri).port
    assert port
    assert port != 0
    other = requests.get(f"http://127.0.0.1:{port}/favicon.ico", timeout=5)
    assert other.status_code == 404
    assert deliver(follow_authorization(url)).status_code == 200
    assert login.finish() == 0, login.stderr
    assert settings_file.exists()


def test_web_flow_in_two_processes(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory()
    settings_file = tmp_path / "web" / "bc.oauth"
    config = oauth_config(sb, settings_file, callback_port)
    config_path = write_config(tmp_path / "web" / "config.json", config)

    step1 = cli_process(transcript, "authorize-url", "--config", str(config_path))
    assert step1.returncode == 0, step1.stderr
    # The URL is stdout's one line, for `URL=$(tap-bigcommerce-auth authorize-url ...)`;
    # the instructions, with the state to check, are on stderr.
    url = step1.stdout.removesuffix("\n")
    assert step1.stdout == url + "\n"
    assert "\n" not in url
    assert url.startswith(f"{sb.url}/oauth2/authorize?")
    assert url not in step1.stderr
    assert "exchange '<redirect URL>'" in step1.stderr
    state = parse_qs(urlsplit(url).query)["state"][0]
    assert state in step1.stderr
    assert settings_file.exists()  # state + verifier + redirect URI, encrypted
    assert state.encode() not in settings_file.read_bytes()

    redirect = follow_authorization(url)  # nothing listens there: the user copies the URL
    # Step 2 in another process, with the settings passed as environment variables.
    env = {f"TAP_BIGCOMMERCE_{k.upper()}": str(v) for k, v in config.items()}
    step2 = cli_process(transcript, "exchange", redirect, env=env)
    assert step2.returncode == 0, step2.stderr
    assert step2.stdout == ""

    doc = SettingsStore.for_settings(AuthSettings.from_config(config)).read()
    assert doc is not None
    assert doc.token is not None
    assert doc.pending is None  # single-use
    assert api_ok(sb, doc.token.access_token)

    # The same redirect URL again: never exchanged twice.
    again = cli_process(transcript, "exchange", redirect, "--config", str(config_path))
    assert again.returncode == 1
    assert "already exchanged" in again.stderr
    assert "Traceback" not in again.stderr


def test_web_flow_state_mismatch_is_refused(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory()
    config = oauth_config(sb, tmp_path / "bc.oauth", callback_port)
    config_path = write_config(tmp_path / "config.json", config)
    redirect = follow_authorization(authorize_url(transcript, config_path))
    forged = redirect.replace("state=", "state=x")
    before = (tmp_path / "bc.oauth").read_bytes()
    code, err = cli(transcript, "exchange", forged, "--config", str(config_path))
    assert code == 1
    assert "does not match the pending authorization" in err
    assert (tmp_path / "bc.oauth").read_bytes() == before
    # the genuine URL still works afterwards
    code, err = cli(transcript, "exchange", redirect, "--config", str(config_path))
    assert code == 0, err


def test_headless_verifier_option_1(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    """The headless machine starts the authorization; a browser elsewhere approves it."""
    sb = sandbox_factory()
    headless = tmp_path / "headless"
    config = oauth_config(sb, headless / "bc.oauth", callback_port, initiate_oauth="REFRESH")
    config_path = write_config(headless / "config.json", config)
    redirect = follow_authorization(authorize_url(transcript, config_path))  # "on the laptop"

    auth = BigCommerceAuthenticator.from_config({**config, "oauth_verifier": redirect})
    assert api_ok(sb, auth.current_token())
    # Later runs keep the verifier in the config but use the file; no second exchange.
    auth2 = BigCommerceAuthenticator.from_config({**config, "oauth_verifier": redirect})
    assert auth2.current_token() == auth.current_token()


def test_headless_bare_code_from_an_app_install(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    """A bare code (as BigCommerce sends to an app's auth callback) with no pending state."""
    sb = sandbox_factory()
    config = oauth_config(sb, tmp_path / "bc.oauth", callback_port, initiate_oauth="REFRESH")
    params = {
        "client_id": config["client_id"],
        "redirect_uri": config["redirect_uri"],
        "response_type": "code",
        "context": f"stores/{config['store_hash']}",
    }
    location = follow_authorization(f"{sb.url}/oauth2/authorize?{urlencode(params)}")
    the_code = parse_qs(urlsplit(location).query)["code"][0]
    config_path = write_config(tmp_path / "config.json", config)
    code, err = cli(transcript, "exchange", "--config", str(config_path), stdin=the_code + "\n")
    assert code == 0, err
    # `--` because a code may begin with '-' (token_urlsafe), as the help says.
    code, err = cli(transcript, "exchange", "--config", str(config_path), "--", the_code)
    assert code == 1
    assert "already exchanged" in err


def test_headless_copied_settings_option_2(
    sandbox_factory: t.Any,
    callback_port: int,
    tmp_path: Path,
    transcript: Transcript,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sb = sandbox_factory()
    settings_file, config = _login(transcript, sb, tmp_path, callback_port)
    key = (settings_file.parent / (settings_file.name + ".key")).read_text().strip()

    # "Machine B": another directory, the file copied with its key file.
    machine_b = tmp_path / "machine-b" / "somewhere"
    machine_b.mkdir(parents=True)
    shutil.copy2(settings_file, machine_b / "copied.oauth")
    shutil.copy2(
        settings_file.with_name(settings_file.name + ".key"), machine_b / "copied.oauth.key"
    )
    config_b = {**config, "oauth_settings_path": str(machine_b / "copied.oauth")}
    config_b["initiate_oauth"] = "REFRESH"
    auth = BigCommerceAuthenticator.from_config(config_b)
    assert api_ok(sb, auth.current_token())

    # "CI": only the file, with the key in an environment variable (a CI secret).
    ci = tmp_path / "ci"
    ci.mkdir()
    shutil.copy2(settings_file, ci / "bc.oauth")
    monkeypatch.setenv("TAP_BIGCOMMERCE_OAUTH_SETTINGS_KEY", key)
    auth_ci = BigCommerceAuthenticator.from_config(
        {**config_b, "oauth_settings_path": str(ci / "bc.oauth")}
    )
    assert api_ok(sb, auth_ci.current_token())
    assert not (ci / "bc.oauth.key").exists()


# -- refusals ---------------------------------------------------------------------------


def test_desktop_state_mismatch_is_refused(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory()
    settings_file = tmp_path / "bc.oauth"
    config_path = write_config(
        tmp_path / "config.json", oauth_config(sb, settings_file, callback_port)
    )
    login = LoginThread(transcript, config_path, "--no-browser")
    login.start()
    location = follow_authorization(login.wait_url())
    response = deliver(location.replace("state=", "state=forged"))
    assert response.status_code == 400
    assert login.finish() == 1
    assert "state returned to the callback does not match" in login.stderr
    assert not settings_file.exists()


def test_wrong_client_secret_is_refused(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory()
    settings_file = tmp_path / "bc.oauth"
    config = oauth_config(sb, settings_file, callback_port, client_secret="wrong-secret-123456")
    login = LoginThread(transcript, write_config(tmp_path / "config.json", config), "--no-browser")
    login.start()
    deliver(follow_authorization(login.wait_url()))
    assert login.finish() == 1
    assert "client_secret" in login.stderr
    assert "invalid_client" in login.stderr
    assert not settings_file.exists()
    assert not settings_file.with_name("bc.oauth.key").exists()


def test_redirect_uri_mismatch_is_refused(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory()
    settings_file = tmp_path / "bc.oauth"
    registered = f"http://127.0.0.1:{callback_port}/callback"
    params = {
        "client_id": sb.tap_config()["client_id"],
        "redirect_uri": registered,
        "response_type": "code",
        "context": f"stores/{sb.tap_config()['store_hash']}",
    }
    location = follow_authorization(f"{sb.url}/oauth2/authorize?{urlencode(params)}")
    config = oauth_config(
        sb, settings_file, callback_port, redirect_uri=f"http://127.0.0.1:{callback_port}/other"
    )
    code, err = cli(
        transcript, "exchange", location, "--config", str(write_config(tmp_path / "c.json", config))
    )
    # The URL carries no state (none was sent), so it goes to the server, which refuses it.
    assert code == 1
    assert "invalid_grant" in err
    assert "redirect_uri" in err
    assert not settings_file.exists()

    # An unregistered redirect URI is refused by the server at the authorization step.
    login = LoginThread(transcript, write_config(tmp_path / "c.json", config), "--no-browser")
    login.start()
    page = requests.get(login.wait_url(), allow_redirects=False, timeout=10)
    assert page.status_code == 400
    with contextlib.suppress(requests.RequestException):
        requests.get(f"http://127.0.0.1:{callback_port}/nothing", timeout=2)


def test_reused_code_is_refused_by_the_server(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    """Even from another settings file (where our hash list cannot help), the server refuses."""
    sb = sandbox_factory()
    config_a = oauth_config(sb, tmp_path / "a.oauth", callback_port)
    url = authorize_url(transcript, write_config(tmp_path / "a.json", config_a))
    redirect = follow_authorization(url)
    assert cli(transcript, "exchange", redirect, "--config", str(tmp_path / "a.json"))[0] == 0
    the_code = parse_qs(urlsplit(redirect).query)["code"][0]
    config_b = oauth_config(sb, tmp_path / "b.oauth", callback_port)
    code, err = cli(
        transcript,
        "exchange",
        the_code,
        "--config",
        str(write_config(tmp_path / "b.json", config_b)),
    )
    assert code == 1
    assert "single-use" in err
    assert not (tmp_path / "b.oauth").exists()


def test_callback_port_in_use(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory()
    config = oauth_config(sb, tmp_path / "bc.oauth", callback_port)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", callback_port))
        busy.listen(1)
        code, err = cli(
            transcript,
            "login",
            "--no-browser",
            "--config",
            str(write_config(tmp_path / "c.json", config)),
        )
    assert code == 1
    assert f"Port {callback_port}" in err
    assert "in use" in err
    assert not (tmp_path / "bc.oauth").exists()


def test_login_timeout(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory()
    config = oauth_config(sb, tmp_path / "bc.oauth", callback_port)
    code, err = cli(
        transcript,
        "login",
        "--timeout",
        "0.5",
        "--config",
        str(write_config(tmp_path / "c.json", config)),
        browser=lambda url: None,
    )
    assert code == 1
    assert "No callback arrived within" in err


@pytest.mark.parametrize("mode", ["REFRESH", "GETANDREFRESH"])
def test_no_browser_and_no_verifier(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, mode: str
) -> None:
    sb = sandbox_factory()
    settings_file = tmp_path / "bc.oauth"
    config = oauth_config(sb, settings_file, callback_port, initiate_oauth=mode)
    with pytest.raises(AuthError) as info:
        BigCommerceAuthenticator.from_config(config, interactive=False)
    message = str(info.value)
    assert "tap-bigcommerce-auth login --config" in message
    assert "meltano invoke tap-bigcommerce:login" in message
    assert str(settings_file) in message
    assert not settings_file.exists()


def test_tampered_wrong_key_other_store_via_tap_config(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    from cryptography.fernet import Fernet

    sb = sandbox_factory(stores=2)
    settings_file, config = _login(transcript, sb, tmp_path, callback_port)
    original = settings_file.read_bytes()

    other_store = {
        **config,
        "store_hash": sb.tap_config(1)["store_hash"],
        "initiate_oauth": "REFRESH",
    }
    with pytest.raises(SettingsFileError, match="is for store"):
        BigCommerceAuthenticator.from_config(other_store)

    with pytest.raises(SettingsFileError, match="key is wrong"):
        BigCommerceAuthenticator.from_config(
            {**config, "oauth_settings_key": Fernet.generate_key().decode()}
        )
    assert settings_file.read_bytes() == original

    tampered = original[:-10] + bytes(reversed(original[-10:]))
    settings_file.write_bytes(tampered)
    with pytest.raises(SettingsFileError, match="modified"):
        BigCommerceAuthenticator.from_config(config)
    code, err = cli(transcript, "status", "--config", str(tmp_path / "machine-a/config.json"))
    assert code == 1
    assert "was left as it is" in err
    # A new login does not overwrite the file it cannot read (it stops before the browser).
    code, err = cli(transcript, "login", "--config", str(tmp_path / "machine-a/config.json"))
    assert code == 1
    assert "modified" in err
    assert settings_file.read_bytes() == tampered


def test_logout(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory()
    settings_file, _ = _login(transcript, sb, tmp_path, callback_port)
    key_file = settings_file.with_name("bc.oauth.key")
    lock_file = settings_file.with_name("bc.oauth.lock")
    login_files = {settings_file, key_file, lock_file}
    assert {p for p in settings_file.parent.iterdir() if p.name.startswith("bc.")} == login_files
    key = key_file.read_text().strip()
    config_path = str(tmp_path / "machine-a" / "config.json")

    unconfirmed = cli_process(transcript, "logout", "--config", config_path)
    assert unconfirmed.returncode == 2
    assert "--yes" in unconfirmed.stderr
    assert all(path.exists() for path in login_files)

    done = cli_process(transcript, "logout", "--yes", "--config", config_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert not any(path.exists() for path in login_files)
    assert f"Deleted {settings_file}, {key_file}, {lock_file}." in done.stderr
    assert "left as it is" not in done.stderr  # the key was the tap's own key file
    assert "stay valid at the server" in done.stderr
    assert key not in done.stderr

    code, err = cli(transcript, "status", "--config", config_path)
    assert code == 3
    assert "token:         none" in err
    assert not lock_file.exists()  # status only reads


def test_a_401_adopts_a_newer_login_from_another_process(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    """BigCommerce tokens never expire: a 401 is only fixed by a new login (here, elsewhere)."""
    sb = sandbox_factory()
    _, config = _login(transcript, sb, tmp_path, callback_port)
    auth = BigCommerceAuthenticator.from_config({**config, "initiate_oauth": "REFRESH"})
    old = auth.current_token()
    assert auth.handle_unauthorized(old) is False  # nothing newer: re-authorize
    assert "re-authorize" in str(auth.unauthorized_error())
    _login(transcript, sb, tmp_path, callback_port)  # "another process" logs in again
    newer = SettingsStore.for_settings(AuthSettings.from_config(config)).read()
    assert newer is not None
    assert newer.token is not None
    assert newer.token.access_token != old
    assert auth.handle_unauthorized(old) is True  # adopted from the file
    assert auth.current_token() == newer.token.access_token
    assert api_ok(sb, auth.current_token())


def test_code_for_another_store_is_refused(
    sandbox_factory: t.Any, callback_port: int, tmp_path: Path, transcript: Transcript
) -> None:
    sb = sandbox_factory(stores=2)
    config = oauth_config(sb, tmp_path / "bc.oauth", callback_port)
    params = {
        "client_id": config["client_id"],
        "redirect_uri": config["redirect_uri"],
        "response_type": "code",
        "context": f"stores/{sb.tap_config(1)['store_hash']}",
    }
    location = follow_authorization(f"{sb.url}/oauth2/authorize?{urlencode(params)}")
    code, err = cli(
        transcript, "exchange", location, "--config", str(write_config(tmp_path / "c.json", config))
    )
    assert code == 1
    assert f"but store_hash is '{config['store_hash']}'" in err
    assert not (tmp_path / "bc.oauth").exists()
