"""The `tap-bigcommerce` command: complete output, exit status and message."""

from __future__ import annotations

import collections
import json
import subprocess
from pathlib import Path

from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.tapio import TAP


def test_output_is_complete_and_the_status_zero() -> None:
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


def test_a_connection_test_succeeds_quietly_and_moves_no_bookmark(tmp_path: Path) -> None:
    """`--test` (what `meltano config test` runs): a record per stream, no ERROR line,
    and no bookmark, since a dry run reads only the first record of each stream."""
    with Sandbox(SandboxOptions(seed=3, orders=300, products=100, customers=100)) as store:
        config = tmp_path / "config.json"
        config.write_text(json.dumps({**store.tap_config(), "window_lag_seconds": 0}))
        done = subprocess.run(
            [TAP, "--config", str(config), "--test"], capture_output=True, text=True, timeout=300
        )
    assert done.returncode == 0, done.stderr[-3000:]
    assert " ERROR " not in done.stderr
    assert "Traceback" not in done.stderr
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    records = collections.Counter(m["stream"] for m in messages if m["type"] == "RECORD")
    assert records
    assert set(records.values()) == {1}
    assert {"orders", "order_products", "products", "customers"} <= set(records)
    states = [m["value"] for m in messages if m["type"] == "STATE"]
    assert "replication_key_value" not in json.dumps(states)
