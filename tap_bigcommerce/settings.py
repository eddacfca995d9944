"""The tap's settings: their schema, and the checks JSON Schema cannot express.

Every check names the setting it is about and runs before any request is made.
"""

from __future__ import annotations

import math
import re
import typing as t
from decimal import Decimal
from urllib.parse import urlsplit

from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError

from tap_bigcommerce.dates import parse_timestamp

DEFAULT_API_URL = "https://api.bigcommerce.com"
DEFAULT_MAX_WORKERS = 32
"""A ceiling, not a target: the requests in flight follow the quota (`concurrency`)."""
DEFAULT_READ_AHEAD_STREAMS = 3
STORE_HASH_PATTERN = re.compile(r"^[a-z0-9]{1,64}$")

CORE_PROPERTIES = [
    th.Property(
        "store_hash",
        th.StringType,
        title="Store hash",
        description="The store's hash, the part after /stores/ in its API path "
        "(e.g. abc123 in https://api.bigcommerce.com/stores/abc123/v3/). Required unless "
        "`stores` lists several stores.",
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        title="Start date",
        description="Only records modified at or after this instant are read on the "
        "first run (ISO 8601, e.g. 2024-01-01T00:00:00Z). Later runs continue from "
        "their state.",
    ),
    th.Property(
        "api_url",
        th.StringType,
        default=DEFAULT_API_URL,
        title="API URL",
        description="Base URL of the BigCommerce API. Change it only to point the tap "
        "at the sandbox store or a proxy.",
    ),
    th.Property(
        "request_timeout",
        th.NumberType,
        default=60,
        title="Request timeout (seconds)",
        description="Seconds to wait for a response before the request is retried.",
    ),
    th.Property(
        "max_retries",
        th.IntegerType,
        default=8,
        title="Retry limit",
        description="How many times one request is retried after a 5xx, a dropped "
        "connection or a truncated body before the run fails (429s wait for the "
        "rate-limit window instead and are allowed four times as many tries).",
    ),
    th.Property(
        "max_backoff_seconds",
        th.NumberType,
        default=60,
        title="Longest retry wait (seconds)",
        description="Upper bound of the exponential wait between retries.",
    ),
    th.Property(
        "max_workers",
        th.IntegerType,
        default=DEFAULT_MAX_WORKERS,
        title="Most requests in flight",
        description="A ceiling, not the speed setting: the tap keeps as many requests in "
        "flight as the store's quota allows at its response time (about quota rate x "
        "response time), backs off when the store answers 429 or 5xx, and never exceeds "
        "this number. Lower it only to spare a slow network or a proxy (1 to 32).",
    ),
    th.Property(
        "read_ahead_streams",
        th.IntegerType,
        default=DEFAULT_READ_AHEAD_STREAMS,
        title="Streams read ahead",
        description="How many of the next streams are read while one is written (0 to 16; "
        "0 reads one stream at a time). Each stream's first requests wait on each other, "
        "so reading the next ones meanwhile keeps the quota busy, on what the stream being "
        "written leaves of it; each holds at most 8 pages until its turn. Records are "
        "still written one stream after another.",
    ),
    th.Property(
        "rate_limit_reserve",
        th.NumberType,
        default=0.1,
        title="Quota reserve for other apps",
        description="Fraction of the store's rate-limit quota left unused for the other apps "
        "installed on the store (0 to 0.9). The tap paces its requests at the rest of the "
        "quota's steady rate, catches up (at most three times that rate) on a window it left "
        "partly unused, never spends more than a window has left, and slows down at once "
        "when other apps use more of the quota.",
    ),
    th.Property(
        "progress_interval_seconds",
        th.NumberType,
        default=30,
        title="Progress log interval (seconds)",
        description="How often each stream logs its progress: records, requests, pages, "
        "quota left and rate.",
    ),
    th.Property(
        "strict_scopes",
        th.BooleanType,
        default=False,
        title="Fail on missing scopes",
        description="When the token lacks the scope a selected stream needs, fail the run "
        "instead of skipping the stream with a warning.",
    ),
    th.Property(
        "strict_endpoints",
        th.BooleanType,
        default=False,
        title="Fail on missing endpoints",
        description="When a selected stream's list answers 404 on its first request (a "
        "feature the store or its plan lacks), fail the run instead of skipping the stream "
        "with a warning.",
    ),
    th.Property(
        "fast_record_path",
        th.BooleanType,
        default=True,
        title="Fast record path",
        description="Decode pages straight into the stream schemas and write records "
        "without the SDK's per-record loop, when nothing (stream maps, a partial "
        "selection, batch files) would change them. Turn off to send every record "
        "through the SDK's ordinary path (generic conformance and messages): the same "
        "records, several times the CPU.",
    ),
    th.Property(
        "window_lag_seconds",
        th.IntegerType,
        default=30,
        title="Window lag (seconds)",
        description="Each run reads changes up to the store's clock minus this lag, so "
        "writes still in flight at the start of the run are read by the next run "
        "instead of being missed.",
    ),
    # Deleted records (issue 18, `reading.sweep`).
    th.Property(
        "capture_deletes",
        th.BooleanType,
        default=True,
        title="Capture deleted records",
        description="Report records the store deleted (products and their variants, "
        "images, videos, custom fields and bulk pricing rules; customers and their "
        "addresses and attribute values; coupons, brands, categories, pages) as records "
        "of their key with `_sdc_deleted_at` set, found by comparing the ids the store "
        "lists with those it listed before. Deleted orders are always read (`is_deleted`).",
    ),
    th.Property(
        "deletes_sweep_interval_hours",
        th.IntegerType,
        default=24,
        title="Deletion sweep interval (hours)",
        description="How often the incremental streams (products, customers) list their "
        "ids to find deletions: a sweep costs one request per 250 records, so a daily sweep "
        "keeps a 15-minute schedule from paying it every run while deletes still reach the "
        "warehouse within a day. 0 sweeps on every run. Streams read whole every run "
        "(coupons, brands, categories, pages) compare on every run at no extra request.",
    ),
    th.Property(
        "deletes_max_id_ranges",
        th.IntegerType,
        default=10_000,
        title="Deletion state bound (id ranges)",
        description="The most id ranges one stream may keep in the state to find deletions "
        "(about 20 bytes each; ids mostly contiguous make one range). A stream whose ids "
        "need more is not swept, with a warning naming it.",
    ),
]


def _problems(config: t.Mapping[str, t.Any]) -> list[str]:
    problems = []
    store_hash = config.get("store_hash")
    if isinstance(store_hash, str) and not STORE_HASH_PATTERN.match(store_hash):
        problems.append(
            "store_hash: must be the store's hash, lower-case letters and digits only "
            "(e.g. 'abc123'), not a URL or a store name."
        )
    api_url = config.get("api_url", DEFAULT_API_URL)
    parts = urlsplit(str(api_url))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append("api_url: must be an http(s) URL such as https://api.bigcommerce.com.")
    start_date = config.get("start_date")
    if start_date is not None:
        try:
            parse_timestamp(str(start_date))
        except ValueError:
            problems.append(
                "start_date: must be an ISO 8601 timestamp such as 2024-01-01T00:00:00Z."
            )
    reserve = config.get("rate_limit_reserve")
    # Meltano passes decimal settings through the config file, which the SDK reads as
    # Decimal: accept any real number.
    if reserve is not None and not (
        isinstance(reserve, int | float | Decimal)
        and not isinstance(reserve, bool)
        and 0 <= float(reserve) <= 0.9
    ):
        problems.append("rate_limit_reserve: must be a fraction from 0 to 0.9 (e.g. 0.1).")
    workers = config.get("max_workers")
    if workers is not None and (isinstance(workers, bool) or not 1 <= workers <= 32):
        problems.append("max_workers: must be a whole number from 1 to 32.")
    ahead = config.get("read_ahead_streams")
    if ahead is not None and (
        isinstance(ahead, bool) or not isinstance(ahead, int) or not 0 <= ahead <= 16
    ):
        problems.append("read_ahead_streams: must be a whole number from 0 to 16.")
    for name, (minimum, maximum, unit) in NUMBER_BOUNDS.items():
        value = config.get(name)
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float | Decimal)
            or not math.isfinite(value)
            or not minimum <= value <= maximum
        ):
            problems.append(f"{name}: must be a number from {minimum} to {maximum}{unit}.")
    return problems


NUMBER_BOUNDS: dict[str, tuple[int, int, str]] = {
    "progress_interval_seconds": (1, 86_400, " seconds"),
    "request_timeout": (1, 3_600, " seconds"),
    "max_retries": (0, 100, ""),
    "max_backoff_seconds": (0, 3_600, " seconds"),
    "window_lag_seconds": (0, 86_400, " seconds"),
    "deletes_sweep_interval_hours": (0, 24 * 366, " hours"),
    "deletes_max_id_ranges": (1, 10_000_000, ""),
}
"""Each number setting's range: beyond it a value is a mistake (a timeout of 1e308 s)."""


def validate_settings(config: t.Mapping[str, t.Any]) -> None:
    """Raise ConfigValidationError listing every bad setting by name."""
    if problems := _problems(config):
        raise ConfigValidationError("Config validation failed", errors=problems)
