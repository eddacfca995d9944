"""The id sets deletion sweeps keep in state: ranges that behave exactly like sets of ints."""

from __future__ import annotations

import json
import random

import pytest

from tap_bigcommerce.reading.id_ranges import IdRanges


def test_ranges_agree_with_python_sets_on_random_ids() -> None:
    rng = random.Random(18)
    for _ in range(500):
        a = {rng.randrange(80) for _ in range(rng.randrange(60))}
        b = {rng.randrange(80) for _ in range(rng.randrange(60))}
        left, right = IdRanges.of(a), IdRanges.of(b)
        assert set(left.minus(right)) == a - b
        assert set(left.union(right)) == a | b
        assert set(left.intersection(right)) == a & b
        assert len(left) == len(a)
        assert [x for x in range(-1, 82) if x in left] == sorted(a)
        assert IdRanges.from_json(json.loads(json.dumps(left.to_json()))) == left


def test_contiguous_ids_take_one_range_and_gaps_one_more_each() -> None:
    assert IdRanges.of(range(1, 48_212)).to_json() == [[1, 48_211]]
    assert IdRanges.of([*range(1, 10), *range(11, 20)]).size == 2


@pytest.mark.parametrize(
    "stored", [None, {}, [[2, 1]], [[1]], [["1", 2]], [[1, 2.5]], [[True, 2]], "1-5"]
)
def test_state_that_is_not_ranges_is_refused(stored: object) -> None:
    assert IdRanges.from_json(stored) is None
