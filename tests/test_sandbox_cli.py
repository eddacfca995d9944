"""`bigcommerce-sandbox` prints a config the tap accepts as it is, for one store or several.

The README tells users to start the sandbox and use its first line as the tap's
config; this runs exactly that: the printed line saved to a file, then a full sync
with `tap-bigcommerce --config`, checked against the store sizes asked for.
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import typing as t
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
ORDERS = 7


def sync_with_printed_config(tmp_path: Path, stores: int) -> tuple[dict[str, t.Any], list[dict]]:
    sandbox = subprocess.Popen(
        [
            str(BIN / "bigcommerce-sandbox"),
            "--port=0",
            f"--stores={stores}",
            f"--orders={ORDERS}",
            "--products=3",
            "--customers=3",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sandbox.stdout is not None
        line = sandbox.stdout.readline()
        config = json.loads(line)
        with urllib.request.urlopen(f"{config['api_url']}/__admin/config", timeout=10) as answer:
            assert json.loads(answer.read()) == config
        path = tmp_path / "config.json"
        path.write_text(line)
        run = subprocess.run(
            [str(BIN / "tap-bigcommerce"), "--config", str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
        if sandbox.stdout is not None:
            sandbox.stdout.close()
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Config validation failed" not in run.stderr
    messages = [json.loads(m) for m in run.stdout.splitlines() if m.startswith("{")]
    return config, [
        m["record"] for m in messages if m.get("type") == "RECORD" and m["stream"] == "orders"
    ]


@pytest.mark.parametrize("stores", [1, 3])
def test_the_printed_config_syncs_every_store(tmp_path: Path, stores: int) -> None:
    config, orders = sync_with_printed_config(tmp_path, stores)
    if stores == 1:
        hashes = [config["store_hash"]]
        assert "stores" not in config
    else:
        hashes = [entry["store_hash"] for entry in config["stores"]]
        assert "store_hash" not in config
        assert all(set(entry) == {"store_hash", "access_token"} for entry in config["stores"])
    assert len(set(hashes)) == stores
    per_store = collections.Counter(record["store_hash"] for record in orders)
    assert per_store == dict.fromkeys(hashes, ORDERS)
