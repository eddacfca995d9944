"""Errors that end a sync with a message the user can act on (no traceback needed)."""

from __future__ import annotations


class BigCommerceError(Exception):
    """A failure whose message says what to fix; the CLI prints it without a traceback."""


class TokenRejectedError(BigCommerceError):
    """HTTP 401: the token is wrong, revoked or expired and could not be renewed."""


class MissingScopeError(BigCommerceError):
    """HTTP 403: the token works but lacks the scope a stream needs."""

    def __init__(self, message: str, *, scope: str, stream: str | None) -> None:
        super().__init__(message)
        self.scope = scope
        self.stream = stream


class RequestRejectedError(BigCommerceError):
    """A 4xx other than 401/403/429: retrying the same request cannot succeed."""


class RetriesExhaustedError(BigCommerceError):
    """The API kept failing with retriable errors past the configured retry limit."""
