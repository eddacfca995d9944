"""Errors that end a sync with a message the user can act on (no traceback needed)."""

from __future__ import annotations


class BigCommerceError(Exception):
    """A failure whose message says what to fix; the CLI prints it without a traceback."""


class TokenRejectedError(BigCommerceError):
    """HTTP 401: the token is wrong, revoked or expired and could not be renewed."""


class MissingScopeError(BigCommerceError):
    """HTTP 403 before any request of the scope succeeded: the token lacks the scope."""

    def __init__(self, message: str, *, scope: str, stream: str | None) -> None:
        super().__init__(message)
        self.scope = scope
        self.stream = stream


class RequestRejectedError(BigCommerceError):
    """A 4xx other than 401/403/429: retrying the same request cannot succeed."""


class NotFoundError(RequestRejectedError):
    """HTTP 404: the endpoint (a feature the store lacks) or the record (deleted) is gone."""

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path


class RetriesExhaustedError(BigCommerceError):
    """The API kept failing with retriable errors past the configured retry limit."""


class UnreachableError(BigCommerceError):
    """The API's host cannot be resolved or reached at all: `api_url` is likely wrong."""


class RedirectRefusedError(BigCommerceError):
    """The API answered with a redirect the tap will not follow (another host, or a loop)."""


class InvalidResponseError(BigCommerceError):
    """A 200 whose content cannot be right (a page longer than asked, ids out of range)."""


class IncompleteWindowError(BigCommerceError):
    """A window read fewer records than the API counts in it, twice."""


class InvalidRecordError(BigCommerceError):
    """A record without a usable primary key or replication key."""


class CancelledError(BaseException):
    """The run was stopped by a signal (SIGTERM, SIGINT).

    A BaseException, as KeyboardInterrupt is: code that handles errors (`except
    Exception`, the SDK's own) must not take a cancellation for a failure to report.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum
