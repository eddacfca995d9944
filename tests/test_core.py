"""The SDK's standard tap tests, against a small sandbox store."""

from __future__ import annotations

import atexit
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_bigcommerce.tap import TapBigCommerce
from tests.tapio import every_stream_selected

# The SDK builds its test class from a config at import time, so the store it talks
# to must exist by then; it is stopped when the test process exits.
_SANDBOX = Sandbox(SandboxOptions(seed=3, orders=120, products=60, customers=80))
_SANDBOX.start()
atexit.register(_SANDBOX.stop)

_CONFIG = {**_SANDBOX.tap_config(), "window_lag_seconds": 0}

TestTapBigCommerce = get_tap_test_class(
    TapBigCommerce,
    config=_CONFIG,
    suite_config=SuiteConfig(max_records_limit=None),
    # Every stream, those not selected by default (a request per parent) included.
    catalog=every_stream_selected(_CONFIG),
)


@pytest.fixture(scope="module", autouse=True)
def _stop_the_store() -> t.Iterator[None]:
    """Stop the store when this module's tests end, not at exit (no thread outlives them)."""
    yield
    _SANDBOX.stop()
