"""CLI contract (one JSON line, clean exit on signals) and clean in-process shutdown."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading

import pytest
import requests
from bigcommerce_sandbox import Sandbox, SandboxOptions
from bigcommerce_sandbox.cli import parse_args


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cli_prints_one_config_line_and_exits_cleanly(sig: signal.Signals) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bigcommerce_sandbox.cli",
            "--orders",
            "30",
            "--products",
            "10",
            "--customers",
            "10",
            "--stores",
            "2",
            "--seed",
            "5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    try:
        assert proc.stdout is not None
        cfg = json.loads(proc.stdout.readline())
        # Several stores: the shared URLs and app once, each store's hash and token in
        # `stores` (a config the tap accepts as is, so no top-level store_hash).
        assert set(cfg) == {"api_url", "login_url", "client_id", "client_secret", "stores"}
        assert len(cfg["stores"]) == 2
        first = cfg["stores"][0]
        r = requests.get(
            f"{cfg['api_url']}/stores/{first['store_hash']}/v2/orders",
            headers={"X-Auth-Token": first["access_token"]},
            timeout=10,
        )
        assert r.status_code == 200
        assert 0 < len(r.json()) <= 30
        assert not any(o["is_deleted"] for o in r.json())
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert out == ""
    assert err == ""


def test_cli_options() -> None:
    opts = parse_args(
        [
            "--quota",
            "150",
            "--window-ms",
            "30000",
            "--token-ttl",
            "60",
            "--redirect-uri",
            "http://127.0.0.1:1/a",
            "--redirect-uri",
            "http://127.0.0.1:2/b",
            "--error-rate",
            "0.1",
            "--port",
            "0",
        ]
    )
    assert opts.quota == 150
    assert opts.token_ttl == 60
    assert opts.redirect_uris == ("http://127.0.0.1:1/a", "http://127.0.0.1:2/b")
    assert opts.error_rate == 0.1
    assert parse_args([]).redirect_uris == ("http://127.0.0.1:8976/callback",)


def test_stop_closes_keepalive_connections_without_leaking_threads() -> None:
    before = set(threading.enumerate())
    sb = Sandbox(SandboxOptions(orders=20, products=5, customers=5)).start()
    sessions = [requests.Session() for _ in range(3)]
    for s in sessions:
        r = s.get(
            f"{sb.url}/stores/{sb.store_hash}/v2/time",
            headers={"X-Auth-Token": sb.tap_config()["access_token"]},
            timeout=10,
        )
        assert r.status_code == 200
    sb.stop()
    for s in sessions:
        s.close()
    leaked = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    assert not leaked
    sb.stop()  # idempotent


def test_context_manager_and_defaults() -> None:
    with Sandbox(SandboxOptions(orders=10, products=5, customers=5, port=0)) as sb:
        cfg = sb.tap_config()
        assert cfg["api_url"] == sb.url == cfg["login_url"]
        assert cfg["store_hash"] == sb.store_hash
        assert sb.url.startswith("http://127.0.0.1:")
