"""The singleton pager: an endpoint that returns one object instead of a list.

(Lists the API does not page are `lists.Unpaged`.)
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator

from typing_extensions import override

from tap_bigcommerce.errors import BigCommerceError
from tap_bigcommerce.reading.pager import Pager
from tap_bigcommerce.reading.pages import Page, PageSource

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.windows import Window


class Singleton(Pager):
    """An endpoint that returns one object (the store's profile): one record, one request."""

    cost = "1"

    @override
    def pages(self, source: PageSource, window: Window | None) -> Iterator[Page]:
        body = source.get()
        if not isinstance(body, dict):
            raise BigCommerceError(
                f"Stream '{source.name}': expected a JSON object from {source.path}, "
                f"got {type(body).__name__}."
            )
        yield [body]
