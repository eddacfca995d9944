"""The `tap-bigcommerce` command ends without interpreter teardown but with everything written."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tap_bigcommerce.command import exit_status
from tests.tapio import TAP


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (2, 2), ("a message", 1)])
def test_exit_status_is_what_sys_exit_would_give(
    code: object, status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exit_status(code) == status
    assert capsys.readouterr().err == ("a message\n" if isinstance(code, str) else "")


def test_output_is_complete_and_the_status_zero(tmp_path: Path) -> None:
    done = subprocess.run(
        [TAP, "--about", "--format", "json"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    about = json.loads(done.stdout)
    assert about["name"] == "tap-bigcommerce"


def test_a_failed_run_keeps_its_status_and_message(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps({"store_hash": "abc123", "access_token": "x" * 20, "max_workers": 0})
    )
    done = subprocess.run(
        [TAP, "--config", str(config)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "max_workers" in done.stderr
    assert done.stdout == ""
