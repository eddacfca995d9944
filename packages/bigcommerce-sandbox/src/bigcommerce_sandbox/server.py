"""HTTP plumbing: a keep-alive threading server that can be stopped without leaks.

The stdlib server does not track daemon handler threads, and keep-alive
connections keep them parked in ``recv``; ``close_all`` shuts those sockets
down and joins every handler thread so tests can assert a clean shutdown.
"""

from __future__ import annotations

import contextlib
import random
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from typing_extensions import override

from bigcommerce_sandbox import admin
from bigcommerce_sandbox.dates import http_date
from bigcommerce_sandbox.http import Response

if TYPE_CHECKING:
    from bigcommerce_sandbox.app import Sandbox

_API = re.compile(r"^/stores/([^/]+)(/v[23]/.*?)/?$")
_INSTALL = re.compile(r"^/app/([^/]+)/install$")


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._live: dict[threading.Thread, socket.socket] = {}
        self._live_lock = threading.Lock()
        super().__init__(address, Handler)

    @override
    def process_request(self, request: Any, client_address: Any) -> None:
        t = threading.Thread(
            target=self._serve_one, args=(request, client_address), daemon=True, name="sandbox-conn"
        )
        with self._live_lock:
            self._live[t] = request
        t.start()

    def _serve_one(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # a broken client must not kill the server
            if self.sandbox.options.verbose:
                self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            with self._live_lock:
                self._live.pop(threading.current_thread(), None)

    def close_all(self, timeout: float = 5.0) -> None:
        with self._live_lock:
            live = list(self._live.items())
        for _, sock in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for t, _ in live:
            t.join(timeout)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SandboxServer
    timeout = 120

    @override
    def log_message(self, format: str, *args: Any) -> None:
        if self.server.sandbox.options.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        path = split.path
        sb = self.server.sandbox
        if path.startswith("/__admin"):
            self._send(admin.handle(sb, method, path, body))
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        if path in ("/oauth2/authorize", "/oauth2/token") or _INSTALL.match(path):
            self._send(sb.login(method, path, split.query, headers, body))
            return
        m = _API.match(path)
        if not m:
            self._send(Response(404, b'{"status":404,"title":"Not Found"}'))
            return
        resp, fault = sb.api(method, m.group(1), m.group(2), split.query, headers, body)
        if fault == "drop":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault == "truncate" and resp.body:
            cut = random.randint(1, max(1, len(resp.body) - 1))
            resp.body = resp.body[:cut]
        self._send(resp)

    def _send(self, resp: Response) -> None:
        self.send_response_only(resp.status)
        self.send_header("Date", http_date(self.server.sandbox.clock.now()))
        if resp.status not in (204, 304):
            self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(resp.body)))
        for name, value in resp.headers:
            self.send_header(name, value)
        self.end_headers()
        if resp.body and resp.status not in (204, 304):
            self.wfile.write(resp.body)
