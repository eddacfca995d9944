"""What the API's failures mean to a user: one clear line per failure, never a secret.

Kept apart from `api` (which decides what to retry) so that every message about the
store's answers is written here once.
"""

from __future__ import annotations

import socket
import typing as t

import msgspec
import urllib3.exceptions

Unreachable = t.Literal["does not resolve", "refuses connections"]


def error_detail(body: bytes) -> str:
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


def rejection(path: str, status: int, content: bytes) -> str:
    detail = error_detail(content)
    hint = {
        413: "The request asked for more than BigCommerce allows (limit 250 per page).",
        422: "BigCommerce refused the request's parameters.",
    }.get(status, "")
    return " ".join(
        part for part in (f"GET {path} failed with HTTP {status}.", detail, hint) if part
    )


def not_found(path: str, content: bytes) -> str:
    detail = error_detail(content)
    return f"GET {path} answered HTTP 404 (not found)" + (f": {detail}" if detail else "") + "."


def unreachable_cause(exc: BaseException) -> Unreachable | None:
    """Why a connection could not even be opened, when the cause says (DNS, refused)."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, socket.gaierror | urllib3.exceptions.NameResolutionError):
            return "does not resolve"
        if isinstance(current, ConnectionRefusedError):
            return "refuses connections"
        pending.extend([current.__cause__, current.__context__])
        pending.extend(arg for arg in current.args if isinstance(arg, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            pending.append(reason)
    return None
