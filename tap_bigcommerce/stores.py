"""One run, many stores: the `stores` setting and each store's effective config.

Agencies load many stores into one warehouse. A store's config is the top-level
config with that store's entry laid over it, so shared settings (start_date,
retries, an OAuth app's client id and secret) are written once and per-store ones
(hash, token, settings file) per store.
"""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError

PER_STORE_SETTINGS = (
    "store_hash",
    "access_token",
    "auth_method",
    "client_id",
    "client_secret",
    "redirect_uri",
    "scopes",
    "oauth_verifier",
    "oauth_settings_path",
    "oauth_settings_key",
    "initiate_oauth",
)

STORES_PROPERTY = th.Property(
    "stores",
    th.ArrayType(
        th.ObjectType(
            th.Property("store_hash", th.StringType, required=True),
            th.Property("access_token", th.StringType, secret=True),
            th.Property("auth_method", th.StringType),
            th.Property("client_id", th.StringType),
            th.Property("client_secret", th.StringType, secret=True),
            th.Property("redirect_uri", th.StringType),
            th.Property("scopes", th.StringType),
            th.Property("oauth_verifier", th.StringType, secret=True),
            th.Property("oauth_settings_path", th.StringType),
            th.Property("oauth_settings_key", th.StringType, secret=True),
            th.Property("initiate_oauth", th.StringType),
            additional_properties=False,
        )
    ),
    title="Stores",
    description="Several stores in one run, instead of store_hash: a list of objects, each "
    "with its store_hash and credentials (access_token, or the OAuth settings). Settings "
    "not given per store come from the top level. Records carry their store_hash and "
    "state is kept per store.",
)


def _fail(problem: str) -> t.NoReturn:
    raise ConfigValidationError("Config validation failed", errors=[problem])


def store_configs(config: t.Mapping[str, t.Any]) -> list[dict[str, t.Any]]:
    """Each store's effective config, in the order given; raises naming the bad setting."""
    stores = config.get("stores")
    base = {key: value for key, value in config.items() if key != "stores"}
    if not stores:
        if not config.get("store_hash"):
            _fail("store_hash: required (or give a list of stores in `stores`).")
        return [base]
    if config.get("store_hash"):
        _fail("store_hash and stores: set one or the other, not both.")
    if not isinstance(stores, list):
        _fail("stores: must be a list of objects, each with a store_hash.")
    # Per-store credentials replace the top-level ones as a whole, so a store with
    # its own token never inherits an OAuth client meant for another store.
    shared = {key: value for key, value in base.items() if key not in PER_STORE_SETTINGS}
    result, seen = [], set()
    for index, entry in enumerate(stores):
        if not isinstance(entry, dict) or not entry.get("store_hash"):
            _fail(f"stores[{index}]: must be an object with a store_hash.")
        if entry["store_hash"] in seen:
            _fail(f"stores[{index}]: store_hash '{entry['store_hash']}' is listed twice.")
        seen.add(entry["store_hash"])
        own_credentials = "access_token" in entry or "client_id" in entry
        inherited = (
            {} if own_credentials else {k: v for k, v in base.items() if k in PER_STORE_SETTINGS}
        )
        result.append({**shared, **inherited, **entry})
    return result
