"""Fixtures for the sandbox tests: one shared store, plus fresh ones when a test mutates."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from bigcommerce_sandbox import Sandbox, SandboxOptions

SIZES = {"orders": 600, "products": 520, "customers": 560}


class Api:
    """A thin client bound to one store: ``api.get("/v2/orders", limit=5)``."""

    def __init__(self, sb: Sandbox, token: str | None = None, store_index: int = 0) -> None:
        cfg = sb.tap_config(store_index)
        self.sb = sb
        self.base = f"{sb.url}/stores/{cfg['store_hash']}"
        self.session = requests.Session()
        self.session.headers["X-Auth-Token"] = token or cfg["access_token"]
        self.session.headers["Accept"] = "application/json"

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(self.base + path, params=params or None, timeout=30)

    def json(self, path: str, **params: Any) -> Any:
        r = self.get(path, **params)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        return r.json()

    def close(self) -> None:
        self.session.close()


@pytest.fixture(scope="session")
def shared_sb() -> Iterator[Sandbox]:
    """Read-only store shared by tests that never mutate it."""
    with Sandbox(SandboxOptions(seed=7, **SIZES)) as sb:
        yield sb


@pytest.fixture(scope="session")
def api(shared_sb: Sandbox) -> Iterator[Api]:
    client = Api(shared_sb)
    yield client
    client.close()


@pytest.fixture
def make_sb() -> Iterator[Any]:
    """Factory for a private sandbox (mutations, limits, faults, OAuth modes)."""
    made: list[tuple[Sandbox, list[Api]]] = []

    def make(**kw: Any) -> tuple[Sandbox, Api]:
        opts = {"seed": 3, "orders": 120, "products": 60, "customers": 80, **kw}
        sb = Sandbox(SandboxOptions(**opts)).start()
        client = Api(sb)
        made.append((sb, [client]))
        return sb, client

    yield make
    for sb, clients in made:
        for c in clients:
            c.close()
        sb.stop()


@pytest.fixture(autouse=True, scope="session")
def _no_leaked_threads() -> Iterator[None]:
    before = {t.ident for t in threading.enumerate()}
    yield
    leaked = [
        t
        for t in threading.enumerate()
        if t.ident not in before and t.name.startswith("sandbox") and t.is_alive()
    ]
    assert not leaked, leaked
