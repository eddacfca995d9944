"""``bigcommerce-sandbox``: run a sandbox store until SIGINT/SIGTERM.

Prints exactly one JSON line (a ready-to-use tap config) on stdout, so scripts
can start it in the background and read their config from the first line.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

import msgspec

from bigcommerce_sandbox.app import Sandbox
from bigcommerce_sandbox.options import DEFAULT_REDIRECT_URI, SandboxOptions


def parse_args(argv: Sequence[str] | None = None) -> SandboxOptions:
    d = SandboxOptions()
    p = argparse.ArgumentParser(prog="bigcommerce-sandbox", description=__doc__)
    p.add_argument("--host", default=d.host)
    p.add_argument("--port", type=int, default=d.port, help="0 picks a free port")
    p.add_argument("--seed", type=int, default=d.seed)
    for name in ("orders", "products", "customers", "coupons", "brands", "categories"):
        p.add_argument(
            f"--{name}", type=int, default=getattr(d, name), help=f"number of {name} per store"
        )
    p.add_argument("--stores", type=int, default=d.stores)
    p.add_argument("--quota", type=int, default=d.quota, help="requests per window; 0 = unlimited")
    p.add_argument("--window-ms", type=int, default=d.window_ms)
    p.add_argument("--latency-ms", type=int, default=d.latency_ms)
    p.add_argument("--error-rate", type=float, default=d.error_rate, help="chance of a random 5xx")
    p.add_argument(
        "--drop-rate", type=float, default=d.drop_rate, help="chance of a dropped connection"
    )
    p.add_argument(
        "--truncate-rate",
        type=float,
        default=d.truncate_rate,
        help="chance of a 200 with a cut-off body",
    )
    p.add_argument(
        "--token-ttl",
        type=int,
        default=None,
        help="generic RFC 6749 mode: access tokens expire, refresh tokens rotate",
    )
    p.add_argument(
        "--redirect-uri",
        action="append",
        dest="redirect_uris",
        help=f"registered OAuth callback URL (repeatable; default {DEFAULT_REDIRECT_URI})",
    )
    p.add_argument("--allow-any-loopback-port", action="store_true")
    p.add_argument(
        "--cache-size",
        type=int,
        default=d.cache_size,
        help="rendered records kept in memory (a benchmark serving every record twice "
        "should hold all of them)",
    )
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    a = p.parse_args(argv)
    values = vars(a)
    values["redirect_uris"] = tuple(a.redirect_uris or (DEFAULT_REDIRECT_URI,))
    return SandboxOptions(**values)


def main(argv: Sequence[str] | None = None) -> int:
    opts = parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    sb = Sandbox(opts).start()
    try:
        sys.stdout.write(msgspec.json.encode(sb.cli_config()).decode() + "\n")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        sb.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
