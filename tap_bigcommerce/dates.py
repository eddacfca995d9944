"""One timestamp form for everything the tap compares or emits.

The SDK compares replication-key values as strings, so `...05Z`, `...05+00:00` and
RFC 2822 forms of the same instant would order wrongly. Every date the tap emits
or bookmarks goes through `to_iso`, which yields `YYYY-MM-DDTHH:MM:SS+00:00` (UTC,
microseconds only when the source had them).
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime

UTC = dt.timezone.utc
_UTC_SUFFIX = "+00:00"
_RFC2822_UTC = re.compile(
    r"[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}:\d{2}:\d{2}) \+0000"
)
"""The form BigCommerce's v2 API sends every date in (`Tue, 20 Nov 2012 00:00:00 +0000`)."""
_EPOCH = re.compile(r"\d{1,11}(\.\d+)?")
"""Unix seconds as text (up to year 5138; an ISO date has dashes, so it never matches)."""
_MONTHS = {
    name: f"{number:02d}"
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def parse_timestamp(value: str) -> dt.datetime:
    """Parse ISO 8601, RFC 2822 (BigCommerce v2) or Unix seconds into an aware UTC datetime.

    Raises ValueError naming the value when it is neither, so a malformed API
    response is reported instead of being passed on.
    """
    text = value.strip()
    if not text:
        raise ValueError("empty timestamp")
    if _EPOCH.fullmatch(text):
        # Unix seconds in a string: what gift certificates' dates are in v2 GET answers
        # ("Date displays in the Unix timestamp format", e.g. "1603306").
        return epoch_to_datetime(float(text))
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
    """Normalise an API timestamp; empty strings (BigCommerce's 'no date') become None.

    Called for every date of every record, so the two forms BigCommerce actually
    sends (v2's RFC 2822 in UTC, v3's ISO in UTC) are rewritten by slicing, checked
    by `fromisoformat`; anything else takes the general parse.
    """
    if value is None or value == "":
        return None
    return _fast_iso(value) or format_timestamp(parse_timestamp(value))


def _fast_iso(value: str) -> str | None:
    """The canonical form of `value` when it is in one of the common UTC forms, else None."""
    if value.endswith(_UTC_SUFFIX):
        candidate = value
    else:
        match = _RFC2822_UTC.fullmatch(value)
        month = _MONTHS.get(match[2]) if match else None
        if match is None or month is None:
            return None
        day, _, year, clock = match.groups()
        candidate = f"{year}-{month}-{day}T{clock}{_UTC_SUFFIX}"
    try:
        parsed = dt.datetime.fromisoformat(candidate)
    except ValueError:
        return None
    # Only a string that is already exactly the canonical form is passed through.
    return candidate if parsed.isoformat() == candidate else None


def epoch_to_datetime(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=UTC)
