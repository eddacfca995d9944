"""An unreliable, busy store still yields every record; hopeless errors say what to fix."""

from __future__ import annotations

import json
import typing as t

import pytest

from tap_bigcommerce.sandbox import Sandbox, SandboxOptions
from tests.sandbox_helpers import latest_versions_missing
from tests.tapio import TapRun, run_tap

PARENTS = ("orders", "products", "customers")


def assert_no_secret(run: TapRun, *secrets: str) -> None:
    state = json.dumps(run.final_state)
    for secret in secrets:
        assert secret not in run.stdout
        assert secret not in run.stderr
        assert secret not in state


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=5, orders=600, products=300, customers=300)) as sandbox:
        yield sandbox


def test_errors_drops_truncation_and_a_low_quota_lose_nothing(store: Sandbox) -> None:
    store.configure(error_rate=0.1, drop_rate=0.05, truncate_rate=0.05, quota=8, window_ms=500)
    try:
        config = {
            **store.tap_config(),
            "window_lag_seconds": 0,
            "max_retries": 12,
            "max_backoff_seconds": 0.2,
            "request_timeout": 10,
        }
        run = run_tap(config)
    finally:
        store.configure(error_rate=0, drop_rate=0, truncate_rate=0, quota=0)
    assert run.returncode == 0, run.stderr[-3000:]
    stats = store.stats()
    assert stats["throttled"] > 0 or stats["faults"], "the store injected no faults"
    for resource in PARENTS:
        assert latest_versions_missing(store.truth(resource), [run], resource) == []
        assert run.bookmark(resource) is not None
    assert "Traceback" not in run.stderr
    assert_no_secret(run, config["access_token"])


def test_a_rejected_token_ends_the_run_with_what_to_fix(store: Sandbox) -> None:
    config = {**store.tap_config(), "access_token": "not-the-right-token-123"}
    run = run_tap(config)
    assert run.returncode == 1
    assert "rejected the access token (HTTP 401)" in run.stderr
    assert "Traceback" not in run.stderr
    assert not run.records("orders")
    assert_no_secret(run, config["access_token"], store.tap_config()["access_token"])


def test_a_missing_scope_names_the_scope(store: Sandbox) -> None:
    token = store.issue_token(
        scopes=["store_v2_information_read_only", "store_v2_customers_read_only"]
    )
    config = {**store.tap_config(), "access_token": token}
    run = run_tap(config)
    assert run.returncode == 1
    assert "store_v2_orders_read_only" in run.stderr
    assert "HTTP 403" in run.stderr
    assert run.records("customers"), "streams the token may read are delivered first"
    assert "Traceback" not in run.stderr
    assert_no_secret(run, token)
