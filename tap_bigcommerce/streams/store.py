"""Store-level settings and information."""

from __future__ import annotations

from tap_bigcommerce.client import V2SingletonStream


class StoreStream(V2SingletonStream):
    """The store's profile (name, domain, currency, plan...), one record per store."""

    name = "store"
    path = "/v2/store"
    scope = "store_v2_information_read_only"
