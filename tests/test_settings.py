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
