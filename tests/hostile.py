"""A proxy between the tap and the sandbox that corrupts the responses a test names.

The sandbox answers correctly; real networks and APIs do not always. A test points the
tap's `api_url` at `HostileProxy`, which forwards every request to the sandbox and,
for the requests a rule matches, changes the answer: another status, another body, a
redirect, a body trickled byte by byte. `Elsewhere` is a server on another host name
that records what reaches it: a token there would be a leak.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import typing as t
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    trickle_seconds: float = 0.0
    """Send the body one byte at a time, this long apart."""

    def json(self) -> t.Any:
        return json.loads(self.body or b"null")

    def with_json(self, value: t.Any) -> Answer:
        return Answer(200, self.headers, json.dumps(value).encode(), self.trickle_seconds)


@dataclass
class Seen:
    path: str
    params: dict[str, str]
    headers: dict[str, str]


Action = t.Callable[[Answer, Seen], Answer]


@dataclass
class Rule:
    path: str
    """A regular expression the request's path (below /stores/{hash}) must match."""
    action: Action
    when: t.Callable[[Seen], bool] = lambda seen: True
    times: int = 1
    """How many matching requests are changed (then the rule is spent)."""
    hits: int = 0


@dataclass
class HostileProxy:
    upstream: str
    rules: list[Rule] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> HostileProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add(self, path: str, action: Action, **options: t.Any) -> Rule:
        rule = Rule(path, action, **options)
        self.rules.append(rule)
        return rule

    def answer(self, method: str, target: str, headers: dict[str, str]) -> Answer:
        split = urlsplit(target)
        below = split.path.split("/", 3)[-1] if split.path.startswith("/stores/") else split.path
        seen = Seen("/" + below, dict(parse_qsl(split.query)), headers)
        upstream = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
        forwarded = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection")}
        connection.request(method, target, headers=forwarded)
        response = connection.getresponse()
        answer = Answer(
            response.status,
            {k: v for k, v in response.getheaders() if k.lower() in _KEPT_HEADERS},
            response.read(),
        )
        connection.close()
        with self._lock:
            self.seen.append(seen)
            for rule in self.rules:
                if (
                    rule.hits < rule.times
                    and re.fullmatch(rule.path, seen.path)
                    and rule.when(seen)
                ):
                    rule.hits += 1
                    return rule.action(answer, seen)
        return answer


_KEPT_HEADERS = {
    "content-type",
    "date",
    "x-rate-limit-time-window-ms",
    "x-rate-limit-time-reset-ms",
    "x-rate-limit-requests-quota",
    "x-rate-limit-requests-left",
    "location",
}


def _handler(proxy: HostileProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: t.Any) -> None:
            return None

        def do_GET(self) -> None:
            answer = proxy.answer("GET", self.path, dict(self.headers.items()))
            self.send_response_only(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.status != 204:
                self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if answer.status == 204:
                return
            if answer.trickle_seconds:
                for byte in answer.body:
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        return  # the client gave up: what a trickle should make it do
                    time.sleep(answer.trickle_seconds)
            else:
                self.wfile.write(answer.body)

    return Handler


class Elsewhere:
    """A server at another host name (localhost, not 127.0.0.1) recording its requests."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: t.Any) -> None:
                return None

            def do_GET(self) -> None:
                owner.requests.append(dict(self.headers.items()))
                body = b"[]"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://localhost:{self._server.server_address[1]}"

    def __enter__(self) -> Elsewhere:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def status(code: int, body: object = None) -> Action:
    """Answer with another status (and a BigCommerce-like error body)."""
    payload = json.dumps(body if body is not None else {"status": code, "title": "Injected"})

    def act(answer: Answer, seen: Seen) -> Answer:
        return Answer(code, {"Content-Type": "application/json"}, payload.encode())

    return act


def redirect(location: str) -> Action:
    def act(answer: Answer, seen: Seen) -> Answer:
        return Answer(302, {"Location": location, "Content-Length": "0"}, b"")

    return act


def rewrite(change: t.Callable[[t.Any], t.Any]) -> Action:
    """Answer 200 with the sandbox's JSON body changed by `change`."""

    def act(answer: Answer, seen: Seen) -> Answer:
        return answer.with_json(change(answer.json()))

    return act


def trickle(seconds_per_byte: float) -> Action:
    def act(answer: Answer, seen: Seen) -> Answer:
        return Answer(answer.status, answer.headers, answer.body, seconds_per_byte)

    return act
