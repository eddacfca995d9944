"""Transport-neutral request/response values and the two error body shapes."""

from __future__ import annotations

import dataclasses
from typing import Any

import msgspec

from bigcommerce_sandbox.store import Store

_encoder = msgspec.json.Encoder()


@dataclasses.dataclass
class Request:
    method: str
    path: str  # API path after /stores/{hash}, e.g. /v2/orders
    query: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    now: float
    store: Store | None = None
    args: tuple[int, ...] = ()

    @property
    def version(self) -> str:
        return self.path[1:3]


@dataclasses.dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def json_response(obj: Any, status: int = 200) -> Response:
    return Response(status, _encoder.encode(obj))


def encode(obj: Any) -> bytes:
    return _encoder.encode(obj)


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def error(version: str, status: int, message: str) -> Response:
    """v3: ``{status, title, type, errors}``; v2: ``[{status, message}]``."""
    if version == "v2":
        return json_response([{"status": status, "message": message}], status)
    return json_response(
        {
            "status": status,
            "title": message or _TITLES.get(status, "Error"),
            "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
            "errors": {},
        },
        status,
    )
