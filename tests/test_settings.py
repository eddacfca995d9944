"""Bad settings fail before any request, with a message naming the setting."""

from __future__ import annotations

import json
import subprocess
import typing as t
from pathlib import Path

import pytest

from tests.tapio import TAP


def run_with(config: dict[str, t.Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return subprocess.run(
        [TAP, "--config", str(path)], capture_output=True, text=True, timeout=60, check=False
    )


# api_url points at a closed port: any request would fail differently.
BASE = {"store_hash": "abc123", "access_token": "tok-unused", "api_url": "http://127.0.0.1:9"}


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"store_hash": None}, "store_hash"),
        ({"store_hash": "https://store.example.com"}, "store_hash"),
        ({"api_url": "api.bigcommerce.com"}, "api_url"),
        ({"start_date": "last tuesday"}, "start_date"),
        ({"max_retries": -1}, "max_retries"),
        ({"request_timeout": "fast"}, "request_timeout"),
        ({"access_token": None}, "access_token"),
        ({"initiate_oauth": "SOMETIMES"}, "initiate_oauth"),
    ],
)
def test_bad_setting_is_named_and_nothing_is_requested(
    change: dict[str, t.Any], setting: str, tmp_path: Path
) -> None:
    config = {**BASE, **change}
    config = {k: v for k, v in config.items() if v is not None}
    result = run_with(config, tmp_path)
    assert result.returncode != 0
    assert setting in result.stderr
    assert "Connection refused" not in result.stderr
    assert result.stdout == ""


def run_on_file(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TAP, "--config", str(path)], capture_output=True, text=True, timeout=60, check=False
    )


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "does not exist"),
        ("", "is empty"),
        ('{"store_hash": "abc123",', "is not valid JSON"),
        ('["store_hash"]', "holds a JSON list"),
    ],
)
def test_a_config_file_that_cannot_be_used_is_one_line_naming_it(
    content: str | None, says: str, tmp_path: Path
) -> None:
    path = tmp_path / "config.json"
    if content is not None:
        path.write_text(content)
    result = run_on_file(path)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert any(str(path) in line and says in line for line in error_lines(result.stderr))


def test_a_directory_as_config_is_named(tmp_path: Path) -> None:
    result = run_on_file(tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "is a directory" in result.stderr


def test_a_secret_of_the_wrong_type_is_named_but_never_shown(tmp_path: Path) -> None:
    secret = 918273645546372819
    result = run_with({**BASE, "access_token": secret}, tmp_path)
    assert result.returncode != 0
    assert "access_token: must be text" in result.stderr
    assert str(secret) not in result.stderr + result.stdout


def test_a_misspelt_setting_is_named_with_the_closest_one(tmp_path: Path) -> None:
    result = run_with({**BASE, "max_worker": 2, "start_date": "not a date"}, tmp_path)
    assert result.returncode != 0  # the bad start_date stops the run before any request
    assert "Setting `max_worker` is not a setting of this tap" in result.stderr
    assert "Did you mean `max_workers`?" in result.stderr
