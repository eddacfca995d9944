"""What BigCommerce's `X-Rate-Limit-*` headers say, read leniently.

Every answer carries the window's quota, what is left of it and when it resets; a 429
may say how long to wait. A header that is missing or not a number says nothing (a
proxy or a store without a quota strips them): the budget then goes on as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

RESET_HEADER = "X-Rate-Limit-Time-Reset-Ms"
QUOTA_HEADER = "X-Rate-Limit-Requests-Quota"
LEFT_HEADER = "X-Rate-Limit-Requests-Left"
WINDOW_HEADER = "X-Rate-Limit-Time-Window-Ms"
RETRY_AFTER_HEADER = "X-Retry-After"


@dataclass(frozen=True)
class QuotaHeaders:
    """One answer's reading of the window."""

    quota: int
    left: int
    reset_ms: int
    window_ms: int | None
    """None (or not positive): the answer did not say; the last one known still holds."""


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(float(raw))
    except ValueError:
        return None


def quota_headers(headers: Mapping[str, str]) -> QuotaHeaders | None:
    """The window as the answer tells it (None: it tells nothing usable)."""
    quota = _int_header(headers, QUOTA_HEADER)
    left = _int_header(headers, LEFT_HEADER)
    reset_ms = _int_header(headers, RESET_HEADER)
    if quota is None or left is None or reset_ms is None:
        return None
    return QuotaHeaders(quota, left, reset_ms, _int_header(headers, WINDOW_HEADER))


def throttled_delay(headers: Mapping[str, str]) -> float | None:
    """How long a 429 asks us to wait, from X-Retry-After or the reset header."""
    retry_after = headers.get(RETRY_AFTER_HEADER)
    if retry_after is not None:
        try:
            return max(float(retry_after), 0.0)
        except ValueError:
            pass
    reset_ms = _int_header(headers, RESET_HEADER)
    if reset_ms is not None:
        return max(reset_ms / 1000.0, 0.0)
    return None
