"""The `tap-bigcommerce` command ends without interpreter teardown but with everything written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


_CHURN = """
import resource, sys
from tap_bigcommerce.command import keep_freed_memory
applied = keep_freed_memory() if sys.argv[1] == "keep" else False
body = bytearray(4 << 20)  # a body, as big as a page's
del body
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    page = [bytearray(2048) for _ in range(10_000)]  # 20 MB decoded from it, freed at once
    del page
print(applied, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _churn_faults(mode: str, env: dict[str, str]) -> tuple[bool, int]:
    done = subprocess.run(
        [sys.executable, "-c", _CHURN, mode], capture_output=True, text=True, env=env, check=True
    )
    applied, faults = done.stdout.split()
    return applied == "True", int(faults)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_blocks_are_reused_instead_of_faulted_in_again() -> None:
    env = {
        k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES" and not k.startswith("MALLOC_")
    }
    applied, kept = _churn_faults("keep", env)
    if not applied:
        pytest.skip("not glibc")
    _, default = _churn_faults("default", env)
    # Default: the heap is trimmed after each page and faulted in again (5,120 pages each
    # time); kept: the first page's memory serves all of them.
    assert default > 40_000
    assert kept < default / 10


def test_an_allocator_tuned_by_the_user_is_left_alone() -> None:
    env = {**os.environ, "GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1048576"}
    applied, _ = _churn_faults("keep", env)
    assert not applied
