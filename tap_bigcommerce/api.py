"""HTTP access to one store's API: signing, retries, quota waits and error messages.

Streams never talk to `requests` directly. Keeping every request in one place is
what lets the tap count requests, share one rate budget and give the same clear
message for the same failure wherever it happens.
"""

from __future__ import annotations

import logging
import threading
import typing as t
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import backoff
import msgspec
import requests
import urllib3.exceptions

from tap_bigcommerce import api_messages, cancel
from tap_bigcommerce.deadline import DeadlineAdapter, deadline
from tap_bigcommerce.errors import (
    InvalidResponseError,
    MissingScopeError,
    NotFoundError,
    RedirectRefusedError,
    RequestRejectedError,
    RetriesExhaustedError,
    TokenRejectedError,
    UnreachableError,
)
from tap_bigcommerce.rate_headers import throttled_delay
from tap_bigcommerce.ratelimit import RateBudget

if t.TYPE_CHECKING:
    from tap_bigcommerce.auth import BigCommerceAuthenticator

RETRIABLE_STATUSES = frozenset({500, 502, 503, 504, 507, 509})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
UNREACHABLE_ATTEMPTS = 3
"""Attempts before a host that never answered and cannot be reached is named as such."""
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
    # A socket cut by the response's deadline (`deadline`) may surface as a bare OSError.
    OSError,
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
    by_stream: dict[str, int] = field(default_factory=dict)
    """Requests per stream: streams read at once (`reading.ahead`) share the totals."""


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
        sleep: Callable[[float], None] = cancel.sleep,
    ) -> None:
        self._api_url = api_url
        self.base_url = f"{api_url.rstrip('/')}/stores/{store_hash}"
        self._granted: set[str] = set()
        """Scopes a request succeeded with: a later 403 for them is not a missing scope."""
        self._answered = False
        self.server_date: str | None = None
        """The `Date` header of the latest response: the store's clock, when /v2/time is
        not allowed."""
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
        # One kept-alive connection per request the budget may have in flight.
        adapter = DeadlineAdapter(
            pool_connections=4, pool_maxsize=max(self.budget.ceiling, 1), max_retries=0
        )
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.update({"Accept": "application/json", "User-Agent": user_agent})

    def _count(self, name: str, stream: str | None = None) -> None:
        with self._stats_lock:
            setattr(self.stats, name, getattr(self.stats, name) + 1)
            if stream is not None:
                by_stream = self.stats.by_stream
                by_stream[stream] = by_stream.get(stream, 0) + 1

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
        check: Callable[[t.Any], None] | None = None,
        urgent: bool = True,
    ) -> ApiResponse:
        """GET `path` (e.g. `/v2/orders`), retrying what is worth retrying.

        `scope` is the OAuth scope the endpoint needs: a 403 before any request of
        that scope succeeded means the token lacks it (`MissingScopeError`); after
        one did, the 403 is a glitch, retried like a 5xx. `decode` turns a 200 body
        into `body` (plain msgspec decoding by default); a `msgspec.DecodeError` from
        it means a truncated or malformed body, which is retried. `check` inspects the
        decoded body and raises `InvalidResponseError` for one that cannot be right
        (a page longer than asked for, ids outside the range): retried too. A request
        not `urgent` (read ahead of its stream's turn) waits while urgent ones do.
        """
        decode = decode or _DECODER.decode
        url, query = self.base_url + path, params
        delays = self._backoff_delays()
        attempt = redirects = 0
        renewed_token = False
        last_problem = ""
        while True:
            cancel.check()
            token = self.authenticator.current_token()
            turn = self.budget.acquire(urgent=urgent)
            self._count("requests", stream)
            try:
                with deadline(self._timeout) as slot:
                    response = self._session.get(
                        url,
                        params=query,
                        headers={"X-Auth-Token": token},
                        timeout=self._timeout,
                        stream=True,
                        allow_redirects=False,
                    )
                    self.budget.heard(turn)
                    with response:
                        content = _read_body(response)
                if slot.expired:
                    raise requests.Timeout("the whole response took longer than request_timeout")
            except _TRANSIENT_ERRORS as exc:
                # Dropped connections, resets, timeouts, cut or stalled bodies.
                self.budget.release(turn, None, status=None)
                cancel.check()  # a request cut because the run is being cancelled
                last_problem = (
                    f"{type(exc).__name__} (connection dropped or timed out, or the body "
                    "cut short or too slow)"
                )
                self._fail_if_unreachable(exc, attempt)
            else:
                self.budget.release(turn, response.headers, status=response.status_code)
                self._answered = True
                self.server_date = response.headers.get("Date") or self.server_date
                status = response.status_code
                if status in REDIRECT_STATUSES:
                    redirects += 1
                    url, query = self._redirect_target(path, url, response, redirects), None
                    continue
                if status == 200:
                    try:
                        body = decode(content)
                        if check is not None:
                            check(body)
                    except msgspec.DecodeError:
                        last_problem = "a truncated or malformed JSON body"
                    except InvalidResponseError as exc:
                        last_problem = f"an invalid page ({exc})"
                    else:
                        self._granted.add(scope)
                        return ApiResponse(status, response.headers, body)
                elif status == 204:
                    self._granted.add(scope)
                    return ApiResponse(status, response.headers, None)
                elif status == 429:
                    self._count("throttled")
                    wait = throttled_delay(response.headers)
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
                elif status == 403 and scope not in self._granted:
                    raise MissingScopeError(
                        f"The token is not allowed to read {path} (HTTP 403)"
                        + (f" for stream '{stream}'" if stream else "")
                        + f". Grant the API account or app the scope `{scope}`, "
                        "or deselect the stream.",
                        scope=scope,
                        stream=stream,
                    )
                elif status == 403:
                    last_problem = (
                        f"HTTP 403, although requests needing `{scope}` were allowed before"
                    )
                elif status == 404:
                    raise NotFoundError(api_messages.not_found(path, content), path=path)
                elif status in RETRIABLE_STATUSES:
                    last_problem = f"HTTP {status}"
                else:
                    raise RequestRejectedError(api_messages.rejection(path, status, content))
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

    def _fail_if_unreachable(self, exc: BaseException, attempt: int) -> None:
        """Name `api_url` when its host has never answered and cannot be reached at all.

        A store that answered before is a flaky network (retried as usual); a host that
        does not resolve, or refuses connections, from the first request on is a wrong
        `api_url`, said after a short retry instead of minutes of backoff.
        """
        if self._answered or attempt + 1 < UNREACHABLE_ATTEMPTS:
            return
        cause = api_messages.unreachable_cause(exc)
        if cause is not None:
            raise UnreachableError(
                f"Cannot reach the BigCommerce API at {self._api_url}: the host {cause}. "
                "Check `api_url` (and this machine's network)."
            )

    def _redirect_target(
        self, path: str, url: str, response: requests.Response, redirects: int
    ) -> str:
        """Where a same-host redirect points; any other redirect is refused.

        `requests` would follow a redirect to another host with `X-Auth-Token` still
        attached (it strips only `Authorization`): the token must never leave api_url.
        """
        location = response.headers.get("Location", "")
        target = urljoin(url, location)
        here, there = urlsplit(self.base_url), urlsplit(target)
        if (there.scheme, there.hostname, there.port) != (here.scheme, here.hostname, here.port):
            raise RedirectRefusedError(
                f"GET {path} was redirected (HTTP {response.status_code}) to "
                f"{there.hostname or 'an unnamed host'}, not api_url's host "
                f"{here.hostname}; the tap sends the store's token only to api_url and "
                "did not follow. Check `api_url`."
            )
        if redirects > MAX_REDIRECTS:
            raise RedirectRefusedError(
                f"GET {path} was redirected more than {MAX_REDIRECTS} times within "
                f"{here.hostname} (a redirect loop). Check `api_url`."
            )
        return target
