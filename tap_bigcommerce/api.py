"""HTTP access to one store's API: signing, retries, quota waits and error messages.

Streams never talk to `requests` directly. Keeping every request in one place is
what lets the tap count requests, share one rate budget and give the same clear
message for the same failure wherever it happens.
"""

from __future__ import annotations

import logging
import threading
import time
import typing as t
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import backoff
import msgspec
import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from tap_bigcommerce.errors import (
    MissingScopeError,
    RequestRejectedError,
    RetriesExhaustedError,
    TokenRejectedError,
)
from tap_bigcommerce.ratelimit import RateBudget

if t.TYPE_CHECKING:
    from tap_bigcommerce.auth import BigCommerceAuthenticator

RETRIABLE_STATUSES = frozenset({500, 502, 503, 504, 507, 509})
_DECODER = msgspec.json.Decoder()
_TRANSIENT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    # Raised while the body is read (see `_read_body`): a cut or undecodable body, or a
    # connection dropped or timed out mid-body.
    urllib3.exceptions.ProtocolError,
    urllib3.exceptions.ReadTimeoutError,
    urllib3.exceptions.DecodeError,
    urllib3.exceptions.SSLError,
)
"""The request may not have reached the store, or its answer was cut: a GET is safe to repeat."""


def _read_body(response: requests.Response) -> bytes:
    """The whole (decompressed) body in one read.

    Pages are megabytes. `requests` reads a streamed body in chunks through urllib3's
    buffer queue, which for these pages cost 2.5x the CPU of one read (0.51 s against
    0.19 s for the benchmark's 110 pages, 228 MB) and handed the GIL over between
    the fetch threads and the main thread for every chunk. urllib3 still checks the
    body against its Content-Length: a short body raises `ProtocolError`.
    """
    return response.raw.read(decode_content=True)


@dataclass(frozen=True)
class ApiResponse:
    """A decoded response; `body` is None for BigCommerce's 204 past the last page."""

    status: int
    headers: Mapping[str, str]
    body: t.Any


@dataclass
class RequestStats:
    """Counts a user (and the benchmark) can compare with the minimum the API allows."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0


def _error_detail(body: bytes) -> str:
    """The human part of a v2 (`[{status, message}]`) or v3 (`{title, errors}`) error body."""
    try:
        payload = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return ""
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        return "; ".join(str(item.get("message", "")) for item in payload if item.get("message"))
    if isinstance(payload, dict):
        parts = [str(payload.get("title", "") or "")]
        errors = payload.get("errors")
        if isinstance(errors, dict):
            parts.extend(f"{key}: {value}" for key, value in errors.items())
        elif isinstance(errors, list):
            parts.extend(str(item) for item in errors)
        return "; ".join(part for part in parts if part)
    return ""


class StoreApi:
    """One store's v2/v3 API, as used by every stream of a run."""

    def __init__(
        self,
        *,
        api_url: str,
        store_hash: str,
        authenticator: BigCommerceAuthenticator,
        timeout: float,
        max_retries: int,
        max_backoff_seconds: float,
        user_agent: str,
        logger: logging.Logger,
        budget: RateBudget | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = f"{api_url.rstrip('/')}/stores/{store_hash}"
        self.store_hash = store_hash
        self.authenticator = authenticator
        self._timeout = timeout
        self._max_retries = max_retries
        self._max_backoff = max_backoff_seconds
        self._logger = logger
        self._sleep = sleep
        self.budget = budget or RateBudget()
        self.stats = RequestStats()
        self._stats_lock = threading.Lock()
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.update({"Accept": "application/json", "User-Agent": user_agent})

    def _count(self, field: str) -> None:
        with self._stats_lock:
            setattr(self.stats, field, getattr(self.stats, field) + 1)

    def _backoff_delays(self) -> t.Iterator[float]:
        """Exponential delays with full jitter, capped, from the `backoff` library."""
        for delay in backoff.expo(base=2, factor=0.5, max_value=self._max_backoff):
            if delay is None:  # the generator primes with None
                continue
            yield backoff.full_jitter(delay) if delay > 0.1 else delay

    def get(
        self,
        path: str,
        params: Mapping[str, t.Any] | None = None,
        *,
        scope: str,
        stream: str | None = None,
        decode: Callable[[bytes], t.Any] | None = None,
    ) -> ApiResponse:
        """GET `path` (e.g. `/v2/orders`), retrying what is worth retrying.

        `scope` is the OAuth scope the endpoint needs; it is only used to tell the
        user what to grant when the API answers 403. `decode` turns a 200 body into
        `body` (plain msgspec decoding by default); a `msgspec.DecodeError` from it
        means a truncated or malformed body, which is retried.
        """
        decode = decode or _DECODER.decode
        url = self.base_url + path
        delays = self._backoff_delays()
        attempt = 0
        renewed_token = False
        last_problem = ""
        while True:
            token = self.authenticator.current_token()
            self.budget.acquire()
            self._count("requests")
            try:
                response = self._session.get(
                    url,
                    params=params,
                    headers={"X-Auth-Token": token},
                    timeout=self._timeout,
                    stream=True,
                )
                with response:
                    content = _read_body(response)
            except _TRANSIENT_ERRORS as exc:
                # Dropped connections, resets, read timeouts and cut bodies.
                self.budget.release(None)
                last_problem = (
                    f"{type(exc).__name__} (connection dropped or timed out, or the body cut short)"
                )
            else:
                self.budget.release(response.headers)
                status = response.status_code
                if status == 200:
                    try:
                        return ApiResponse(status, response.headers, decode(content))
                    except msgspec.DecodeError:
                        last_problem = "a truncated or malformed JSON body"
                elif status == 204:
                    return ApiResponse(status, response.headers, None)
                elif status == 429:
                    self._count("throttled")
                    wait = self.budget.throttled_delay(response.headers)
                    if wait is None:
                        wait = next(delays)
                    self._logger.info("Rate limited by the store; waiting %.1f s.", wait)
                    attempt += 1
                    if attempt > self._max_retries * 4:
                        raise RetriesExhaustedError(
                            f"GET {path}: still rate limited (HTTP 429) after {attempt} waits. "
                            "Another app may be using the store's whole quota; retry later "
                            "or raise `max_retries`."
                        )
                    self._sleep(wait)
                    continue
                elif status == 401:
                    if not renewed_token and self.authenticator.handle_unauthorized(token):
                        renewed_token = True
                        continue
                    raise TokenRejectedError(
                        f"{self.authenticator.unauthorized_error()} "
                        f"(HTTP 401 on GET {path}, store '{self.store_hash}')"
                    )
                elif status == 403:
                    raise MissingScopeError(
                        f"The token is not allowed to read {path} (HTTP 403)"
                        + (f" for stream '{stream}'" if stream else "")
                        + f". Grant the API account or app the scope `{scope}`, "
                        "or deselect the stream.",
                        scope=scope,
                        stream=stream,
                    )
                elif status in RETRIABLE_STATUSES:
                    last_problem = f"HTTP {status}"
                else:
                    raise RequestRejectedError(self._rejection_message(path, status, content))
            attempt += 1
            if attempt > self._max_retries:
                raise RetriesExhaustedError(
                    f"GET {path} failed {attempt} times; last problem: {last_problem}. "
                    "The store or network is unreliable right now; the run can be resumed "
                    "from its last state."
                )
            self._count("retries")
            delay = next(delays)
            self._logger.warning(
                "GET %s failed with %s; retry %d of %d in %.1f s.",
                path,
                last_problem,
                attempt,
                self._max_retries,
                delay,
            )
            self._sleep(delay)

    def _rejection_message(self, path: str, status: int, content: bytes) -> str:
        detail = _error_detail(content)
        hint = {
            404: f"Check `store_hash` ('{self.store_hash}') and `api_url`.",
            413: "The request asked for more than BigCommerce allows (limit 250 per page).",
            422: "BigCommerce refused the request's parameters.",
        }.get(status, "")
        return " ".join(
            part for part in (f"GET {path} failed with HTTP {status}.", detail, hint) if part
        )
