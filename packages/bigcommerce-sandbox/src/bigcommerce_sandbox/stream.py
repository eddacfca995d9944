"""Cheap deterministic draws for the records served in bulk (orders, products, customers).

A ``random.Random`` per record version costs about 7 µs to seed (Mersenne Twister state)
and its ``randint``/``choice`` wrappers about 0.6 µs a draw: most of what a cold page of
250 orders with line items used to cost. A ``Stream`` instead hashes the record's key to a
starting point and a stride in one fixed table of uniform floats, generated once from a
fixed seed (Mersenne Twister output is reproducible across Python versions), and walks it:
seeding is one integer mix, a draw is one table read. Draws are not independent between
records in a strict sense, but no two records share a start and stride in practice, which
is all generated test data needs.
"""

from __future__ import annotations

import random
import zlib
from array import array
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_BITS = 16
_MASK = (1 << _BITS) - 1
_M64 = (1 << 64) - 1
_TABLE = array("d")
_gen = random.Random(0x5EED)
_TABLE.extend(_gen.random() for _ in range(1 << _BITS))
del _gen

_KIND_CODES: dict[str, int] = {}


def kind_code(kind: str) -> int:
    code = _KIND_CODES.get(kind)
    if code is None:
        code = _KIND_CODES[kind] = zlib.crc32(kind.encode())
    return code


def mix(seed: int, kind: str, ident: int, version: int = 0) -> int:
    """A 64-bit hash of a record's key (splitmix64's finaliser over an arithmetic mix)."""
    z = (((seed * 1_000_003 + kind_code(kind)) * 1_000_003 + ident) * 1_000_003 + version) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def count(seed: int, kind: str, ident: int, low: int, high: int) -> int:
    """How many children a parent has (``low..high``): independent of version, so child
    ids stay stable across edits."""
    return low + mix(seed, kind + ":n", ident) % (high - low + 1)


class Stream:
    """The subset of ``random.Random`` the bulk factories use, at table-read cost."""

    __slots__ = ("_i", "_step")

    def __init__(self, seed: int, kind: str, ident: int, version: int = 0) -> None:
        h = mix(seed, kind, ident, version)
        self._i = h & _MASK
        self._step = (h >> 32) | 1  # odd: the walk visits the whole table before repeating

    def random(self) -> float:
        i = self._i
        self._i = (i + self._step) & _MASK
        return _TABLE[i]

    def randrange(self, n: int) -> int:
        i = self._i
        self._i = (i + self._step) & _MASK
        return int(_TABLE[i] * n)

    def randint(self, low: int, high: int) -> int:
        i = self._i
        self._i = (i + self._step) & _MASK
        return low + int(_TABLE[i] * (high - low + 1))

    def choice(self, seq: Sequence[T]) -> T:
        i = self._i
        self._i = (i + self._step) & _MASK
        return seq[int(_TABLE[i] * len(seq))]

    def uniform(self, low: float, high: float) -> float:
        i = self._i
        self._i = (i + self._step) & _MASK
        return low + (high - low) * _TABLE[i]

    def getrandbits(self, k: int) -> int:
        """Up to 64 bits (two 32-bit draws)."""
        hi = int(self.random() * 4294967296.0)
        lo = int(self.random() * 4294967296.0)
        return ((hi << 32) | lo) >> (64 - k)
