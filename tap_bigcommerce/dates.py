"""One timestamp form for everything the tap compares or emits.

The SDK compares replication-key values as strings, so `...05Z`, `...05+00:00` and
RFC 2822 forms of the same instant would order wrongly. Every date the tap emits
or bookmarks goes through `to_iso`, which yields `YYYY-MM-DDTHH:MM:SS+00:00` (UTC,
microseconds only when the source had them).
"""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

UTC = dt.timezone.utc


def parse_timestamp(value: str) -> dt.datetime:
    """Parse ISO 8601 or RFC 2822 (BigCommerce v2) into an aware UTC datetime.

    Raises ValueError naming the value when it is neither, so a malformed API
    response is reported instead of being passed on.
    """
    text = value.strip()
    if not text:
        raise ValueError("empty timestamp")
    if text[0].isdigit():
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        parsed = dt.datetime.fromisoformat(text)
    else:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"not an ISO 8601 or RFC 2822 timestamp: {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_timestamp(moment: dt.datetime) -> str:
    """The tap's canonical form of an instant."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def to_iso(value: str | None) -> str | None:
    """Normalise an API timestamp; empty strings (BigCommerce's 'no date') become None."""
    if value is None or value == "":
        return None
    return format_timestamp(parse_timestamp(value))


def epoch_to_datetime(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=UTC)
