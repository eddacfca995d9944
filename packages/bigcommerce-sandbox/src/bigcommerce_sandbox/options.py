"""Settings for one sandbox instance.

Kept as a plain dataclass so the CLI, the Python API and the admin endpoint all
share one vocabulary (the admin ``settings`` call accepts the same names).
"""

from __future__ import annotations

import dataclasses

DEFAULT_REDIRECT_URI = "http://127.0.0.1:8976/callback"


@dataclasses.dataclass
class SandboxOptions:
    """Everything that shapes a sandbox: size of the generated store, limits and faults."""

    host: str = "127.0.0.1"
    port: int = 0
    seed: int = 1
    orders: int = 600
    products: int = 300
    customers: int = 300
    coupons: int = 40
    brands: int = 25
    categories: int = 30
    stores: int = 1
    quota: int = 0
    window_ms: int = 30000
    latency_ms: int = 0
    error_rate: float = 0.0
    drop_rate: float = 0.0
    truncate_rate: float = 0.0
    token_ttl: int | None = None
    redirect_uris: tuple[str, ...] = (DEFAULT_REDIRECT_URI,)
    allow_any_loopback_port: bool = False
    verbose: bool = False
    cache_size: int = 5000

    #: Settings that may change while the server runs (``Sandbox.configure``).
    RUNTIME = (
        "quota",
        "window_ms",
        "latency_ms",
        "error_rate",
        "drop_rate",
        "truncate_rate",
    )
