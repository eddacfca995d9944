"""The ``Sandbox``: stores + login server + limits + faults behind one port."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import time
from typing import Any
from urllib.parse import parse_qsl

from bigcommerce_sandbox import routes
from bigcommerce_sandbox.clock import Clock
from bigcommerce_sandbox.faults import Faults
from bigcommerce_sandbox.http import Request, Response, error
from bigcommerce_sandbox.oauth import OAuthServer
from bigcommerce_sandbox.options import SandboxOptions
from bigcommerce_sandbox.query import BadRequest
from bigcommerce_sandbox.ratelimit import Window
from bigcommerce_sandbox.server import SandboxServer
from bigcommerce_sandbox.stats import Stats
from bigcommerce_sandbox.store import Store, store_hash
from bigcommerce_sandbox.tokens import Token, Tokens


def _secret(seed: int, label: str, n: int = 32) -> str:
    return hashlib.sha256(f"sandbox:{seed}:{label}".encode()).hexdigest()[:n]


class Sandbox:
    """A local BigCommerce-compatible store API and login server."""

    def __init__(self, options: SandboxOptions | None = None) -> None:
        self.options = dataclasses.replace(options or SandboxOptions())
        self.options.redirect_uris = tuple(self.options.redirect_uris)
        self.clock = Clock()
        self.tokens = Tokens()
        self._stats = Stats()
        self._faults = Faults(self.options.seed)
        self._settings_lock = threading.Lock()
        self.client_id = _secret(self.options.seed, "client_id", 24)
        self.client_secret = _secret(self.options.seed, "client_secret")
        self.stores: list[Store] = []
        self._by_hash: dict[str, Store] = {}
        self._windows: dict[str, Window] = {}
        self._server: SandboxServer | None = None
        self.url = ""
        self._thread: threading.Thread | None = None
        self.oauth = OAuthServer(
            self.options,
            self.client_id,
            self.client_secret,
            self.tokens,
            lambda: list(self._by_hash),
            self.clock.now,
        )

    # lifecycle -----------------------------------------------------------------
    def start(self) -> Sandbox:
        if self._server is not None:
            return self
        self._server = SandboxServer((self.options.host, self.options.port), self)
        port = self._server.server_address[1]
        self.url = f"http://{self.options.host}:{port}"
        for i in range(max(1, self.options.stores)):
            store = Store(i, self.options, self.url, self.clock)
            self.stores.append(store)
            self._by_hash[store.hash] = store
            self._windows[store.hash] = Window()
            self.tokens.add(self.store_token(i), Token(store.hash, frozenset(routes.ALL_SCOPES)))
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="sandbox-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_all()
        server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # identity ------------------------------------------------------------------
    @property
    def store_hash(self) -> str:
        return self.stores[0].hash if self.stores else store_hash(self.options.seed, 0)

    def store_token(self, store_index: int = 0) -> str:
        return _secret(self.options.seed, f"token:{store_index}")

    def store_index(self, hash_: str) -> int:
        store = self._by_hash.get(hash_)
        if store is None:
            raise KeyError(hash_)
        return store.index

    def tap_config(self, store_index: int = 0) -> dict[str, Any]:
        return {
            "api_url": self.url,
            "login_url": self.url,
            "store_hash": self.stores[store_index].hash,
            "access_token": self.store_token(store_index),
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }

    def cli_config(self) -> dict[str, Any]:
        """A config the tap accepts as it is: one store's settings, or `stores` for several.

        The tap takes `store_hash` or `stores`, never both, and a `stores` entry carries
        only what differs per store (hash and token); the URLs and the OAuth app are shared.
        """
        if len(self.stores) <= 1:
            return self.tap_config(0)
        shared = {
            k: v for k, v in self.tap_config(0).items() if k not in ("store_hash", "access_token")
        }
        stores = [
            {"store_hash": store.hash, "access_token": self.store_token(i)}
            for i, store in enumerate(self.stores)
        ]
        return {**shared, "stores": stores}

    # admin operations ----------------------------------------------------------
    def edit(self, resource: str, count: int, store_index: int = 0) -> list[int]:
        return self.stores[store_index].edit(resource, count)

    def create(self, resource: str, count: int, store_index: int = 0) -> list[int]:
        return self.stores[store_index].create(resource, count)

    def delete(
        self,
        resource: str,
        count: int = 1,
        store_index: int = 0,
        *,
        ids: list[int] | None = None,
    ) -> list[int]:
        return self.stores[store_index].delete(resource, count, ids)

    def truth(self, resource: str, store_index: int = 0) -> list[dict[str, Any]]:
        return self.stores[store_index].truth(resource)

    def records(self, resource: str, store_index: int = 0) -> list[dict[str, Any]]:
        """Every record of a fixed list or child type, in full (see ``Store.records``)."""
        return self.stores[store_index].records(resource)

    def stats(self) -> dict[str, Any]:
        return self._stats.snapshot()

    def reset_stats(self) -> None:
        self._stats.reset()

    def settings(self) -> dict[str, Any]:
        return {name: getattr(self.options, name) for name in SandboxOptions.RUNTIME}

    def configure(self, **changes: Any) -> None:
        unknown = set(changes) - set(SandboxOptions.RUNTIME)
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)} at runtime")
        with self._settings_lock:
            for name, value in changes.items():
                setattr(self.options, name, type(getattr(self.options, name))(value))
            if {"quota", "window_ms"} & set(changes):
                for window in self._windows.values():
                    window.reset()  # a new rate: its first request begins its first window

    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def issue_token(self, scopes: list[str], store_index: int = 0) -> str:
        return self.tokens.issue(self.stores[store_index].hash, frozenset(scopes))

    def expire_tokens(self) -> int:
        return self.tokens.expire_oauth(self.clock.now())

    # request handling ----------------------------------------------------------
    def login(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Response:
        params = dict(parse_qsl(query, keep_blank_values=True))
        if path == "/oauth2/token":
            if method != "POST":
                return Response(405, b'{"error":"invalid_request"}', headers=[("Allow", "POST")])
            return self.oauth.token(
                body, headers.get("content-type", ""), headers.get("authorization")
            )
        if method != "GET":
            return Response(405, b"", "text/html", [("Allow", "GET")])
        client = path.split("/")[2] if path.startswith("/app/") else None
        return self.oauth.authorize(params, client)

    def api(
        self, method: str, hash_: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[Response, str | None]:
        version = path[1:3]
        route, args, other = routes.match(method, path)
        label = f"{method} {route.template if route else path}"
        self._stats.arrived()
        try:
            resp, fault = self._api(
                route, args, other, method, hash_, path, query, headers, body, version
            )
        finally:
            self._stats.answered()
        self._stats.record(label, "dropped" if fault == "drop" else resp.status)
        return resp, fault

    def _api(
        self,
        route: routes.Route | None,
        args: tuple[int, ...],
        other: bool,
        method: str,
        hash_: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        version: str,
    ) -> tuple[Response, str | None]:
        opts = self.options
        store = self._by_hash.get(hash_)
        if store is None:
            return error(version, 404, f"Store '{hash_}' not found."), None
        token = self.tokens.check(headers.get("x-auth-token"), hash_, self.clock.now())
        if token is None:
            if opts.latency_ms > 0:
                time.sleep(opts.latency_ms / 1000)
            resp = error(
                version, 401, "You must supply a valid X-Auth-Token (missing, invalid or expired)."
            )
            window = self._windows[hash_].take(opts.quota, opts.window_ms, consume=False)
            resp.headers.extend(window[1])
            return resp, None
        # Counted as it arrives, in the window open when it is sent (a spent quota is
        # refused at once); the page then takes its time, and the rate-limit headers say
        # how the window stands when it answers.
        allowed, rl_headers, retry = self._windows[hash_].take(opts.quota, opts.window_ms)
        if not allowed:
            resp = error(
                version, 429, "Too many requests: the store's API quota for this window is spent."
            )
            resp.headers.extend([*rl_headers, ("X-Retry-After", str(retry))])
            return resp, None
        if opts.latency_ms > 0:
            time.sleep(opts.latency_ms / 1000)
            _, rl_headers, _ = self._windows[hash_].take(opts.quota, opts.window_ms, consume=False)
        now = self.clock.now()
        resp, fault = self._route(
            route, args, other, method, path, query, headers, body, version, store, token, now
        )
        resp.headers.extend(rl_headers)
        return resp, fault

    def _route(
        self,
        route: routes.Route | None,
        args: tuple[int, ...],
        other: bool,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        version: str,
        store: Store,
        token: Token,
        now: float,
    ) -> tuple[Response, str | None]:
        if route is None:
            if other:
                return error(version, 405, f"Method {method} is not allowed on {path}."), None
            return error(version, 404, f"No such endpoint: {path}."), None
        if not routes.allowed(token.scopes, route.scope):
            return error(
                version,
                403,
                f"This token lacks the OAuth scope '{route.scope}' required by {route.template}.",
            ), None
        fault, status = self._faults.pick(self.options)
        if fault == "drop":
            self._stats.fault("drop")
            return Response(0), "drop"
        if fault == "error":
            self._stats.fault("error")
            return error(version, status, "Simulated upstream failure."), None
        req = Request(
            method,
            path,
            query,
            dict(parse_qsl(query, keep_blank_values=True)),
            headers,
            body,
            now,
            store,
            args,
        )
        try:
            resp = route.handler(req)
        except BadRequest as exc:
            return error(version, exc.status, str(exc)), None
        except Exception as exc:  # a sandbox bug must still produce an HTTP answer
            return error(version, 500, f"Sandbox error: {type(exc).__name__}: {exc}"), None
        if fault == "truncate" and resp.status == 200 and len(resp.body) > 1:
            self._stats.fault("truncate")
            return resp, "truncate"
        return resp, None
