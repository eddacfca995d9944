"""Deterministic building blocks for generated records.

Every record is rendered from ``(seed, kind, id, version)`` alone, so the store
keeps only a few integers per record and still serves identical bytes every
time; editing a record bumps its version and therefore its content.
"""

from __future__ import annotations

import random

from bigcommerce_sandbox import stream

FIRST_NAMES = (
    "Zoë",
    "Ångström",
    "Amélie",
    "José",
    "Łukasz",
    "Søren",
    "Chloé",
    "Björn",
    "Ana",
    "Mia",
    "Noah",
    "Liam",
    "Olivia",
    "Emma",
    "Ava",
    "Jürgen",
    "François",
    "Maël",
    "Ines",
    "Kenji",
    "陽翔",
    "さくら",
    "Дмитрий",
    "Αλέξανδρος",
    "Nguyễn",
    "Siobhán",
    "Oğuz",
    "Zoltán",
)
LAST_NAMES = (
    "Ångström",
    "渡辺",
    "Müller",
    "O'Brien",
    "García",
    "Nuñez",
    "Smith",
    "Johnson",
    "Dubois",
    "Kowalski",
    "Nakamura",
    "Øverby",
    "Brown",
    "Taylor",
    "Schröder",
    "Lefèvre",
    "Иванов",
    "Παπαδόπουλος",
    "Trần",
    "Williams",
    "van der Berg",
    "D'Angelo",
    "Çelik",
    "佐藤",
)
CITIES = (
    ("Austin", "Texas", "TX", "78701", "United States", "US"),
    ("Seattle", "Washington", "WA", "98101", "United States", "US"),
    ("Montréal", "Quebec", "QC", "H2X 1Y4", "Canada", "CA"),
    ("München", "Bayern", "BY", "80331", "Germany", "DE"),
    ("Malmö", "Skåne", "M", "211 20", "Sweden", "SE"),
    ("Sydney", "New South Wales", "NSW", "2000", "Australia", "AU"),
    ("London", "Greater London", "LND", "EC1A 1BB", "United Kingdom", "GB"),
    ("東京", "Tokyo", "13", "100-0001", "Japan", "JP"),
)
STREETS = (
    "Main Street",
    "Rue de la Paix",
    "Königsallee",
    "Ångströmvägen",
    "High Street",
    "Elm Ave",
)
ADJECTIVES = ("Classic", "Organic", "Rustic", "Sleek", "Handmade", "Vintage", "Ergonomic", "Crème")
NOUNS = ("Mug", "Lamp", "Backpack", "Notebook", "Scarf", "Teapot", "Candle", "Blanket", "Bike Bell")
BRANDS = ("Acme", "Nordlys", "Café Bleu", "Sakura & Co", "Zephyr", "Fjällräven Style", "Kōbō")
ENGRAVINGS = (
    "Happy Birthday, Zoë!",
    "For 渡辺さん ♥",
    "Love — Ångström",
    "Best Dad 🙂",
    "Line 1\nLine 2",
)


Draws = random.Random | stream.Stream
"""A record's generator: ``stream`` for the records served in bulk, ``rng`` elsewhere."""


def rng(seed: int, kind: str, ident: int, version: int = 0) -> random.Random:
    """A generator private to one record version (arithmetic mixing: cheap and stable)."""
    mixed = ((seed * 1_000_003 + stream.kind_code(kind)) * 1_000_003 + ident) * 1_000_003 + version
    return random.Random(mixed)


def money2(value: float) -> str:
    """v2 money: a string with four decimals."""
    return f"{value:.4f}"


def person(r: Draws) -> tuple[str, str]:
    return r.choice(FIRST_NAMES), r.choice(LAST_NAMES)


def email_for(first: str, last: str, ident: int) -> str:
    parts = [
        "".join(c for c in name.lower() if c.isascii() and c.isalnum()) for name in (first, last)
    ]
    local = ".".join(p for p in parts if p) or "shopper"
    return f"{local}.{ident}@example.com"


def address(r: Draws) -> dict[str, str]:
    city, state, state_code, zip_code, country, iso2 = r.choice(CITIES)
    return {
        "street_1": f"{r.randint(1, 999)} {r.choice(STREETS)}",
        "street_2": r.choice(("", "Apt 4B", "Suite 210")),
        "city": city,
        "state": state,
        "state_code": state_code,
        "zip": zip_code,
        "country": country,
        "country_iso2": iso2,
        "phone": f"+1-555-{r.randint(100, 999)}-{r.randint(1000, 9999)}",
    }


def product_name(r: Draws, ident: int) -> str:
    return f"{r.choice(ADJECTIVES)} {r.choice(NOUNS)} #{ident}"


def count(seed: int, kind: str, ident: int, low: int, high: int) -> int:
    """How many children a parent has; independent of version so child ids stay stable."""
    return stream.count(seed, kind, ident, low, high)
