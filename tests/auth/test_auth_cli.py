"""`tap-bigcommerce-auth` as the installed command: the files it creates and removes, its errors.

No OAuth server is needed here: every case stops before the token endpoint (or never needs
it), so these run the real console script against a config alone.
"""

from __future__ import annotations

import os
import stat
import typing as t
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from .conftest import CLIENT_SECRET
from .helpers import Transcript, cli_process, write_config

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
CALLBACK = "http://127.0.0.1:8976/callback"
CODE = "c0de-value-0123456789"
STATE = "st4te-value-0123456789"


@pytest.fixture
def transcript() -> Transcript:
    return Transcript()


@pytest.fixture
def config_path(base_config: dict[str, t.Any], tmp_path: Path) -> Path:
    return write_config(tmp_path / "config.json", base_config)


def _files(directory: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in directory.iterdir()}


@posix_only
@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask-022", "umask-000"])
def test_files_are_owner_only_whatever_the_umask(
    config_path: Path, settings_path: Path, transcript: Transcript, umask: int
) -> None:
    step1 = cli_process(transcript, "authorize-url", "--config", str(config_path), umask=umask)
    assert step1.returncode == 0, step1.stderr
    assert _files(settings_path.parent) == {
        "settings.oauth": 0o600,
        "settings.oauth.key": 0o600,
        "settings.oauth.lock": 0o600,
    }


def test_logout_leaves_a_key_the_user_supplied(
    config_path: Path, settings_path: Path, transcript: Transcript
) -> None:
    key = Fernet.generate_key().decode()
    env = {"TAP_BIGCOMMERCE_OAUTH_SETTINGS_KEY": key}
    step1 = cli_process(transcript, "authorize-url", "--config", str(config_path), env=env)
    assert step1.returncode == 0, step1.stderr
    assert sorted(_files(settings_path.parent)) == ["settings.oauth", "settings.oauth.lock"]

    done = cli_process(transcript, "logout", "--yes", "--config", str(config_path), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert _files(settings_path.parent) == {}
    lock = settings_path.with_name("settings.oauth.lock")
    assert f"Deleted {settings_path}, {lock}." in done.stderr
    assert "The key you supplied (setting oauth_settings_key) was left as it is" in done.stderr
    assert key not in done.stderr


def test_logout_removes_what_a_lost_settings_file_left(
    config_path: Path, settings_path: Path, transcript: Transcript
) -> None:
    assert cli_process(transcript, "authorize-url", "--config", str(config_path)).returncode == 0
    settings_path.unlink()  # e.g. deleted by hand, or by an older version's logout
    done = cli_process(transcript, "logout", "--yes", "--config", str(config_path))
    assert done.returncode == 0, done.stderr
    key_file = settings_path.with_name("settings.oauth.key")
    lock = settings_path.with_name("settings.oauth.lock")
    assert (
        f"No settings file at {settings_path}; deleted what was left of it: {key_file}, {lock}."
        in done.stderr
    )
    assert "stay valid at the server" not in done.stderr  # no tokens were there
    assert _files(settings_path.parent) == {}


@pytest.mark.parametrize(
    ("argv", "change", "exit_code", "says"),
    [
        (["logout"], {}, 2, "run `tap-bigcommerce-auth logout --yes` to confirm"),
        (["authorize-url"], {"redirect_uri": None}, 1, "Setting 'redirect_uri' is required"),
        (
            ["login", "--no-browser"],
            {"redirect_uri": "https://app.example.com/cb"},
            1,
            "is not a loopback URL",
        ),
        (
            ["exchange", f"{CALLBACK}?error=access_denied&error_description=not+now"],
            {},
            1,
            "access_denied (not now). The user declined the app.",
        ),
        (
            ["exchange", f"{CALLBACK}?code={CODE}&state={STATE}"],
            {},
            1,
            "there is no pending authorization to check it against",
        ),
        (
            ["exchange", f"{CALLBACK}?code={CODE}&context=stores/otherstore"],
            {},
            1,
            "is for 'stores/otherstore', but store_hash is 'abc123store'",
        ),
        (["exchange", f"{CALLBACK}?state={STATE}"], {}, 1, "has no 'code' parameter"),
    ],
)
def test_errors_are_one_line_without_secrets(
    base_config: dict[str, t.Any],
    tmp_path: Path,
    transcript: Transcript,
    argv: list[str],
    change: dict[str, t.Any],
    exit_code: int,
    says: str,
) -> None:
    config = {**base_config, **change}
    config = {k: v for k, v in config.items() if v is not None}
    config_path = write_config(tmp_path / "config.json", config)
    proc = cli_process(transcript, *argv, "--config", str(config_path))
    assert proc.returncode == exit_code, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tap-bigcommerce-auth: ")
    assert says in lines[0]
    for secret in (CLIENT_SECRET, CODE, STATE):
        assert secret not in proc.stderr
    assert not Path(config["oauth_settings_path"]).exists()  # nothing was saved
