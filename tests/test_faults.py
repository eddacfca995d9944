"""An unreliable, busy store still yields every record; hopeless errors say what to fix."""

from __future__ import annotations

import json
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.sandbox_helpers import latest_versions_missing
from tests.tapio import CORE_STREAMS, TapRun, run_tap

STREAMS = CORE_STREAMS

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
            # A fraction in a config file reaches the tap as a Decimal (as with Meltano).
            "rate_limit_reserve": 0.2,
            "request_timeout": 10,
        }
        run = run_tap(config, streams=STREAMS)
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
    run = run_tap(config, streams=STREAMS)
    assert run.returncode == 1
    assert "rejected the access token" in run.stderr
    assert "HTTP 401" in run.stderr
    assert "create a new store API account token" in run.stderr
    assert "Traceback" not in run.stderr
    assert not run.records("orders")
    assert_no_secret(run, config["access_token"], store.tap_config()["access_token"])


def test_a_missing_scope_skips_its_streams_with_one_warning(store: Sandbox) -> None:
    token = store.issue_token(
        scopes=["store_v2_information_read_only", "store_v2_customers_read_only"]
    )
    config = {**store.tap_config(), "access_token": token, "window_lag_seconds": 0}
    run = run_tap(config, streams=STREAMS)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.records("customers")
    assert run.records("store")
    assert not run.records("orders")
    assert not run.records("order_products")
    for scope in ("store_v2_orders_read_only", "store_v2_products_read_only"):
        warnings = [
            line for line in run.stderr.splitlines() if f"lacks the scope `{scope}`" in line
        ]
        assert len(warnings) == 1, warnings
    assert "order_products" in run.stderr  # the warning names the skipped streams
    # A skipped stream keeps no bookmark, so granting the scope later reads it whole.
    assert run.bookmark("orders") is None
    assert run.bookmark("customers") is not None
    assert "Traceback" not in run.stderr
    assert_no_secret(run, token)


def test_strict_scopes_makes_a_missing_scope_an_error(store: Sandbox) -> None:
    token = store.issue_token(scopes=["store_v2_information_read_only"])
    config = {**store.tap_config(), "access_token": token, "strict_scopes": True}
    run = run_tap(config, streams=STREAMS)
    assert run.returncode == 1
    assert "HTTP 403" in run.stderr
    assert "`store_v2_customers_read_only`" in run.stderr
    assert "Traceback" not in run.stderr
    assert_no_secret(run, token)
