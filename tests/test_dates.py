"""Timestamps: one comparable form whatever BigCommerce sent."""

from __future__ import annotations

import pytest

from tap_bigcommerce.dates import parse_timestamp, to_iso


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tue, 20 Nov 2012 00:00:00 +0000", "2012-11-20T00:00:00+00:00"),
        ("Tue, 20 Nov 2012 01:30:00 +0130", "2012-11-20T00:00:00+00:00"),
        ("2012-11-20T00:00:00Z", "2012-11-20T00:00:00+00:00"),
        ("2012-11-20T02:00:00+02:00", "2012-11-20T00:00:00+00:00"),
        ("2012-11-20T00:00:00", "2012-11-20T00:00:00+00:00"),
        ("2012-11-20T00:00:00.500000+00:00", "2012-11-20T00:00:00.500000+00:00"),
        # Forms that look like the common ones but are not yet canonical.
        ("2012-11-20T00:00:00.5+00:00", "2012-11-20T00:00:00.500000+00:00"),
        ("2012-11-20T00:00:00.000000+00:00", "2012-11-20T00:00:00+00:00"),
        ("2012-W47-2T00:00:00+00:00", "2012-11-20T00:00:00+00:00"),
        ("Sun, 29 Feb 2032 23:59:59 +0000", "2032-02-29T23:59:59+00:00"),
        ("", None),
    ],
)
def test_every_form_becomes_the_same_iso_string(raw: str, expected: str | None) -> None:
    assert to_iso(raw) == expected


def test_normalised_strings_sort_like_the_instants_they_name() -> None:
    # The SDK compares bookmarks as strings: '...00Z' would sort after '...00.5+00:00'.
    values = ["2024-01-01T00:00:00Z", "Mon, 01 Jan 2024 00:00:01 +0000", "2024-01-01T00:00:00.5Z"]
    normalised = [to_iso(v) for v in values]
    assert sorted(normalised) == [normalised[0], normalised[2], normalised[1]]


@pytest.mark.parametrize(
    "raw", ["Tue, 31 Feb 2012 00:00:00 +0000", "Tue, 20 Foo 2012 00:00:00 +0000"]
)
def test_impossible_rfc_2822_dates_are_errors(raw: str) -> None:
    with pytest.raises(ValueError, match="2012"):
        to_iso(raw)


def test_garbage_is_reported_with_the_value() -> None:
    with pytest.raises(ValueError, match="yesterday"):
        parse_timestamp("yesterday")
