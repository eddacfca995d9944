"""What a pager reads through, and the shapes a page must have.

A pager (one per paging style, see `reading`) turns a stream's declaration into
requests and pages. It reads through a `PageSource`, which the stream is: the stream's
endpoint, its store and one GET that decodes the page the stream's way. Pagers know
nothing else of streams, so a stream class is a declaration and its pager an attribute.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import typing as t
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future

from tap_bigcommerce.errors import BigCommerceError

if t.TYPE_CHECKING:
    from tap_bigcommerce.context import StoreContext

PAGE_SIZE = 250
"""BigCommerce's largest page, on every list the tap reads (v2 answers 413 above it)."""

Record = t.Any
"""A record of a page: a dict, or a `typed.TypedRecord` decoded into the stream's schema."""
Page = list[Record]


class PageSource(t.Protocol):
    """The stream as its pager sees it."""

    @property
    def name(self) -> str: ...

    @property
    def path(self) -> str:
        """The stream's endpoint (with `{parent_id}` for per-parent lists)."""
        ...

    @property
    def logger(self) -> logging.Logger: ...

    @property
    def primary_keys(self) -> t.Sequence[str]: ...

    @property
    def store(self) -> StoreContext:
        """The store being read (one at a time per stream)."""
        ...

    def get(
        self,
        params: Mapping[str, t.Any] | None = None,
        path: str | None = None,
        *,
        typed: bool = False,
        check: t.Callable[[t.Any], None] | None = None,
    ) -> t.Any:
        """The decoded body of one GET of `path` (default: the stream's), None for a 204.

        `typed`: the body is a page of the stream's own records, which may be decoded
        straight into its schema's types. `check` raises `InvalidResponseError` for a
        body that cannot be right, which is then asked for again.
        """
        ...


def expect_list(body: t.Any, source: PageSource) -> Page:
    """A v2 page: a bare JSON array (None, BigCommerce's 204 past the end, is empty)."""
    if body is None:
        return []
    if not isinstance(body, list):
        raise BigCommerceError(
            f"Stream '{source.name}': expected a JSON array from the v2 API, got "
            f"{type(body).__name__}. The api_url may point at something other than BigCommerce."
        )
    return body


def expect_v3(body: t.Any, source: PageSource) -> tuple[Page, dict[str, t.Any]]:
    """A v3 page's records and its `meta.pagination`."""
    if body is None:
        return [], {}
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise BigCommerceError(
            f"Stream '{source.name}': expected a v3 response with a `data` list, got "
            f"{type(body).__name__}. The api_url may point at something other than BigCommerce."
        )
    pagination = (body.get("meta") or {}).get("pagination") or {}
    return body["data"], pagination


def is_v3(path: str) -> bool:
    return path.startswith("/v3/")


_opening = threading.local()


@contextlib.contextmanager
def opening() -> Iterator[None]:
    """Requests made inside open a read: a window's first and last pages and its count,
    which the rest of the read waits for. A stream read ahead of its turn yields the
    store's quota to the stream being written, except for these (`StoreApi.get`'s
    `urgent`): without them it could not start at once when its turn comes."""
    before = getattr(_opening, "active", False)
    _opening.active = True
    try:
        yield
    finally:
        _opening.active = before


def is_opening() -> bool:
    """Whether this thread is making a read's opening requests (`opening`)."""
    return bool(getattr(_opening, "active", False))


R = t.TypeVar("R")


def opening_call(function: Callable[..., R]) -> Callable[..., R]:
    """`function`, run as an opening request on whichever thread runs it (a pool's)."""

    @functools.wraps(function)
    def call(*args: t.Any, **kwargs: t.Any) -> R:
        with opening():
            return function(*args, **kwargs)

    return call


def abandon(future: Future[t.Any], source: PageSource) -> None:
    """Give up a request asked for before it was known to be needed (its answer is not
    needed now). One still running ends on its own; if it fails, the failure is logged,
    not lost (a redirect refused, say, says something about the store)."""
    if future.cancel():
        return

    def report(done: Future[t.Any]) -> None:
        error = None if done.cancelled() else done.exception()
        if error is not None:
            source.logger.warning(
                "Stream '%s': a request asked for ahead of need failed (its answer was not "
                "needed): %s",
                source.name,
                error,
            )

    future.add_done_callback(report)
