"""Sets of record ids kept as sorted inclusive ranges, the form deletion sweeps store.

A sweep remembers which ids a store had, to tell next time which vanished. A store's
ids are mostly contiguous (BigCommerce numbers records in creation order and deletes
are few), so `[[1, 48211]]` says what a list of 48,211 numbers would, and the state
stays small JSON that every Meltano state backend takes. Ids that are spread out (a
store that deleted every other product) make many ranges; `IdRanges.size` counts them
so the sweep can refuse to keep a set past its bound (`sweep`) rather than let the
state grow without limit.
"""

from __future__ import annotations

import bisect
import typing as t
from collections.abc import Iterable, Iterator

from typing_extensions import override


class IdRanges:
    """An immutable set of integer ids as sorted, disjoint, non-adjacent `[low, high]` ranges."""

    __slots__ = ("_highs", "_lows")

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        lows: list[int] = []
        highs: list[int] = []
        for low, high in sorted(ranges):
            if lows and low <= highs[-1] + 1:
                highs[-1] = max(highs[-1], high)
            else:
                lows.append(low)
                highs.append(high)
        self._lows = lows
        self._highs = highs

    @classmethod
    def of(cls, ids: Iterable[int]) -> IdRanges:
        """The set of these ids (any order, repeats allowed)."""
        ranges: list[tuple[int, int]] = []
        for ident in sorted(set(ids)):
            if ranges and ident == ranges[-1][1] + 1:
                ranges[-1] = (ranges[-1][0], ident)
            else:
                ranges.append((ident, ident))
        return cls(ranges)

    @classmethod
    def from_json(cls, value: t.Any) -> IdRanges | None:
        """The set stored in state as `[[low, high], ...]`; None if it is not that shape."""
        if not isinstance(value, list):
            return None
        ranges = []
        for item in value:
            if (
                not isinstance(item, list)
                or len(item) != 2
                or not all(type(bound) is int for bound in item)
                or item[0] > item[1]
            ):
                return None
            ranges.append((item[0], item[1]))
        return cls(ranges)

    def to_json(self) -> list[list[int]]:
        return [[low, high] for low, high in zip(self._lows, self._highs, strict=True)]

    @property
    def size(self) -> int:
        """How many ranges the set takes in state (what the bound limits)."""
        return len(self._lows)

    def __len__(self) -> int:
        return sum(high - low + 1 for low, high in zip(self._lows, self._highs, strict=True))

    def __bool__(self) -> bool:
        return bool(self._lows)

    def __contains__(self, ident: object) -> bool:
        if type(ident) is not int:
            return False
        index = bisect.bisect_right(self._lows, ident) - 1
        return index >= 0 and ident <= self._highs[index]

    @override
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IdRanges):
            return NotImplemented
        return self._lows == other._lows and self._highs == other._highs

    @override
    def __hash__(self) -> int:
        return hash((tuple(self._lows), tuple(self._highs)))

    @override
    def __repr__(self) -> str:
        return f"IdRanges({self.to_json()!r})"

    def ranges(self) -> Iterator[tuple[int, int]]:
        yield from zip(self._lows, self._highs, strict=True)

    def __iter__(self) -> Iterator[int]:
        for low, high in self.ranges():
            yield from range(low, high + 1)

    def union(self, other: IdRanges) -> IdRanges:
        return IdRanges([*self.ranges(), *other.ranges()])

    def minus(self, other: IdRanges) -> IdRanges:
        """The ids in this set and not in `other` (a sweep's vanished ids)."""
        out: list[tuple[int, int]] = []
        theirs = list(other.ranges())
        index = 0
        for low, high in self.ranges():
            start = low
            while index < len(theirs) and theirs[index][1] < start:
                index += 1
            probe = index
            while probe < len(theirs) and theirs[probe][0] <= high:
                other_low, other_high = theirs[probe]
                if other_low > start:
                    out.append((start, other_low - 1))
                start = max(start, other_high + 1)
                if start > high:
                    break
                probe += 1
            if start <= high:
                out.append((start, high))
        return IdRanges(out)

    def intersection(self, other: IdRanges) -> IdRanges:
        return self.minus(self.minus(other))
