"""What a pager reads through, and the shapes a page must have.

A pager (one per paging style, see `reading`) turns a stream's declaration into
requests and pages. It reads through a `PageSource`, which the stream is: the stream's
endpoint, its store and one GET that decodes the page the stream's way. Pagers know
nothing else of streams, so a stream class is a declaration and its pager an attribute.
"""

from __future__ import annotations

import logging
import typing as t
from collections.abc import Mapping

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
