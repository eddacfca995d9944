"""Date formats BigCommerce speaks, and the lenient filter parsing it performs.

v2 emits RFC 2822, v3 ISO 8601; filters accept both plus unix timestamps, and a
date without a time of day is completed with the server's current time of day
(a documented quirk clients must defend against).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re

UTC = dt.timezone.utc
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "+00:00" / "+0000" sent unencoded in a query string arrives as a space
_LOST_PLUS = re.compile(r"(\d{2}:\d{2}:\d{2}(?:\.\d+)?) {1,2}(\d{2}:?\d{2})$")


def rfc2822(ts: int) -> str:
    d = dt.datetime.fromtimestamp(ts, UTC)
    return (
        f"{_DAYS[d.weekday()]}, {d.day:02d} {_MONTHS[d.month - 1]} {d.year} "
        f"{d.hour:02d}:{d.minute:02d}:{d.second:02d} +0000"
    )


def http_date(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)


def iso(ts: int) -> str:
    """v3 style: ``2026-01-02T03:04:05+00:00``."""
    return dt.datetime.fromtimestamp(ts, UTC).isoformat()


def iso_z(ts: int) -> str:
    """Ground-truth style: ``2026-01-02T03:04:05Z``."""
    return dt.datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def parse_filter(value: str, now: float) -> int:
    """Parse a date filter value to unix seconds; raises ValueError when unreadable."""
    value = value.strip()
    lost = _LOST_PLUS.search(value)
    if lost:
        sep = "+" if "T" in value else " +"
        value = value[: lost.start()] + lost.group(1) + sep + lost.group(2)
    if value.lstrip("-").isdigit():
        return int(value)
    if _DATE_ONLY.match(value):
        d = dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
        clock = dt.datetime.fromtimestamp(now, UTC)
        return int(d.timestamp()) + clock.hour * 3600 + clock.minute * 60 + clock.second
    try:
        iso_value = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
        d = dt.datetime.fromisoformat(
            iso_value.replace(" ", "T", 1) if "T" not in iso_value else iso_value
        )
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)  # raises ValueError/TypeError
        d = parsed
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return int(d.timestamp())
