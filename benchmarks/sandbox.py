"""The sandbox store as a process of its own, driven through its admin HTTP API.

Every figure measures the tap against a ``bigcommerce-sandbox`` started with
``python -m bigcommerce_sandbox.cli``, never against one inside the benchmark: the CPU and
memory figures must charge the tap only for its own work, and a store served from the
benchmark's process would share its cores' GIL and its peak RSS. Everything the benchmark
asks of the store (statistics, edits, the clock, ground truth) therefore goes over HTTP.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import typing as t
from urllib.parse import urlsplit

import msgspec

from benchmarks.errors import BenchError


class SandboxProcess:
    """One ``bigcommerce-sandbox`` process (options as its command-line flags) and its APIs."""

    def __init__(self, **options: int) -> None:
        args = [sys.executable, "-m", "bigcommerce_sandbox.cli", "--port", "0"]
        for name, value in options.items():
            args += [f"--{name.replace('_', '-')}", str(value)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise BenchError(f"the sandbox did not start: {' '.join(args)}")
        #: The tap configuration the sandbox prints when it is ready (store hash, token, ...).
        self.config: dict[str, t.Any] = msgspec.json.decode(line)
        url = urlsplit(self.config["api_url"])
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.hash: str = self.config["store_hash"]

    @property
    def pid(self) -> int:
        return self.proc.pid

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def request(
        self, method: str, path: str, body: t.Any = None, token: bool = False
    ) -> tuple[int, bytes]:
        """One request on a fresh connection (the admin API and ground truth are rare calls)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
        try:
            headers = {"X-Auth-Token": self.config["access_token"]} if token else {}
            data = None
            if body is not None:
                data = msgspec.json.encode(body)
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def admin(self, method: str, path: str, body: t.Any = None) -> t.Any:
        status, data = self.request(method, "/__admin" + path, body)
        if status != 200:
            raise BenchError(f"sandbox admin {method} {path}: {status} {data[:200]!r}")
        return msgspec.json.decode(data)

    def stats(self) -> dict[str, t.Any]:
        return t.cast("dict[str, t.Any]", self.admin("GET", "/stats"))

    def reset_stats(self) -> None:
        self.admin("POST", "/stats/reset", {})

    def configure(self, **settings: int) -> None:
        """Change settings the sandbox takes while it runs (quota, window, latency, faults)."""
        self.admin("POST", "/settings", settings)

    def cpu_seconds(self) -> float:
        """The sandbox process's CPU time so far (user and system), from /proc."""
        with open(f"/proc/{self.pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def edit(self, resource: str, count: int) -> list[int]:
        """Modify ``count`` records of a store table now; their ids."""
        reply = self.admin("POST", f"/stores/{self.hash}/{resource}/edit", {"count": count})
        return t.cast("list[int]", reply["ids"])

    def delete(self, resource: str, count: int) -> list[int]:
        """Delete ``count`` records of a store table (or single variants) now; their ids."""
        reply = self.admin("POST", f"/stores/{self.hash}/{resource}/delete", {"count": count})
        return t.cast("list[int]", reply["ids"])

    def advance_clock(self, seconds: float) -> None:
        self.admin("POST", "/clock", {"advance_seconds": seconds})

    def api_get(self, path: str) -> tuple[int, bytes]:
        """A store API read (``path`` under ``/stores/{hash}``), with the store's token."""
        return self.request("GET", f"/stores/{self.hash}{path}", token=True)
