"""The settings pager: one settings object per store, and one per storefront channel.

BigCommerce's settings endpoints (`/v3/settings/...`, `/v3/tax/settings`,
`/v3/orders/settings`, ...) return a single object, not a list (DESIGN §2). Many take a
channel: with `?channel_id=N` (the `/v3/settings/...` family) or below
`/channels/{channel_id}` (orders, shipping). Without one they return the store-wide
(global) values, which a channel's own values override. A warehouse wants both, so a
per-channel settings stream has one record per store with `channel_id` 0 (the global
values) and one per storefront channel with its id; a settings stream without channels
has one record per store.

Marketplace channels (Amazon, eBay...) have no storefront, so no storefront settings:
only channels of type `storefront` are read. The channel list is read once per store
and run and shared by every settings stream (`StoreContext.shared`); a token that may
not read channels (`store_channel_settings_read_only`) gets the global values only,
with a warning naming the scope (an error with `strict_scopes`).
"""

from __future__ import annotations

import threading
import typing as t
from collections.abc import Iterator, Mapping
from typing import Literal

from typing_extensions import override

from tap_bigcommerce.errors import BigCommerceError, MissingScopeError
from tap_bigcommerce.reading.numbered import read_numbered_pages
from tap_bigcommerce.reading.pager import Pager
from tap_bigcommerce.reading.pages import Page, PageSource

if t.TYPE_CHECKING:
    from tap_bigcommerce.reading.windows import Window

CHANNELS_PATH = "/v3/channels"
CHANNELS_SCOPE = "store_channel_settings_read_only"
GLOBAL_CHANNEL = 0
"""The `channel_id` of a store's global (not channel-specific) settings record."""
_SHARED_KEY = "storefront_channel_ids"
_SHARED_LOCK = threading.Lock()
"""Settings streams read ahead of their turn (`ahead`) ask at once: one reads the list."""

ChannelStyle = Literal["param", "path"]


class _ChannelsSource:
    """The stream as a page source for the channel list, asking with the channels' scope."""

    def __init__(self, source: PageSource) -> None:
        self._source = source
        self.name = source.name
        self.path = CHANNELS_PATH
        self.logger = source.logger
        self.primary_keys = ("store_hash", "id")
        self.store = source.store

    def get(
        self,
        params: Mapping[str, t.Any] | None = None,
        path: str | None = None,
        *,
        typed: bool = False,
        check: t.Callable[[t.Any], None] | None = None,
    ) -> t.Any:
        del typed
        return self.store.api.get(
            path or CHANNELS_PATH, params, scope=CHANNELS_SCOPE, stream=self.name, check=check
        ).body


def storefront_channel_ids(source: PageSource) -> list[int]:
    """The ids of the store's storefront channels, read once per store and run."""
    shared = source.store.shared
    with _SHARED_LOCK:
        if _SHARED_KEY not in shared:
            _read_channel_ids(source, shared)
    return t.cast("list[int]", shared[_SHARED_KEY])


def _read_channel_ids(source: PageSource, shared: dict[str, t.Any]) -> None:
    """The storefront channels' ids into `shared` (a token without the scope: none)."""
    try:
        shared[_SHARED_KEY] = [
            channel["id"]
            for page in read_numbered_pages(_ChannelsSource(source))
            for channel in page
            if isinstance(channel, dict)
            and channel.get("type") == "storefront"
            and type(channel.get("id")) is int
        ]
    except MissingScopeError as exc:
        if source.store.config.get("strict_scopes"):
            raise
        source.logger.warning(
            "Store %s: the token lacks the scope `%s` (HTTP 403 on %s), so the settings "
            "streams read the store-wide values only, not each channel's. Grant the "
            "scope to read per-channel settings.",
            source.store.store_hash,
            exc.scope,
            CHANNELS_PATH,
        )
        shared[_SHARED_KEY] = []


def settings_object(body: t.Any, source: PageSource, path: str) -> dict[str, t.Any]:
    """The settings object of a body: its `data`, or the body itself where the spec
    declares no envelope (`/v3/promotions/settings`, `/v3/orders/settings`)."""
    if isinstance(body, dict):
        data = body.get("data")
        if isinstance(data, dict):
            return dict(data)
        if "data" not in body:
            return {k: v for k, v in body.items() if k != "meta"}
    raise BigCommerceError(
        f"Stream '{source.name}': expected a settings object from {path}, got "
        f"{type(body).__name__}. The api_url may point at something other than BigCommerce."
    )


class Settings(Pager):
    """One settings object per store (`channels=None`), or per store and storefront channel.

    `channels="param"`: a channel's values come with `?channel_id=N`; `"path"`: from
    `{path}/channels/{N}`.
    """

    def __init__(self, *, channels: ChannelStyle | None = None) -> None:
        self.channels = channels
        self.cost = "1" if channels is None else "1 + 1 per storefront channel"

    @property
    def per_channel(self) -> bool:
        return self.channels is not None

    @override
    def pages(self, source: PageSource, window: Window | None) -> Iterator[Page]:
        record = settings_object(source.get(), source, source.path)
        if not self.per_channel:
            yield [record]
            return
        records = [{**record, "channel_id": GLOBAL_CHANNEL}]
        for channel_id in storefront_channel_ids(source):
            if self.channels == "param":
                path = source.path
                body = source.get({"channel_id": channel_id})
            else:
                path = f"{source.path}/channels/{channel_id}"
                body = source.get(path=path)
            records.append({**settings_object(body, source, path), "channel_id": channel_id})
        yield records
