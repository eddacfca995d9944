"""Id ranges split while they are read: the halves tile what was left, nothing is skipped.

A keyset read gives the upper half of its largest range to a new reader when fewer are
reading than the quota needs (`reading.ranges.steal`). The range's reader may have a page
in flight when that happens; whatever that page holds, the two ranges together must
still cover every id the range had left, and the checkpoint must say so.
"""

from __future__ import annotations

import itertools

from tap_bigcommerce.reading.ranges import (
    STEAL_ABOVE_PAGES,
    Density,
    Span,
    split_id_range,
    steal,
)


def page(first: int, count: int = 250, step: int = 1) -> list[dict[str, int]]:
    return [{"id": first + i * step} for i in range(count)]


def dense() -> Density:
    density = Density()
    density.see(page(1))  # one id per record
    return density


def test_a_range_is_split_in_two_that_tile_what_it_had_left() -> None:
    span = Span(key=0, after=1000, up_to=5000)
    stolen = steal([span], dense())
    assert stolen is not None
    assert (span.after, span.up_to) == (1000, stolen.after)
    assert stolen.up_to == 5000
    assert stolen.after == 3000


def test_the_largest_range_is_split_and_small_ones_never() -> None:
    small = Span(key=0, after=0, up_to=250 * (STEAL_ABOVE_PAGES - 1))
    large = Span(key=1, after=10_000, up_to=20_000)
    stolen = steal([small, large], dense())
    assert stolen is not None
    assert stolen.key == 1
    assert steal([small], dense()) is None
    assert steal([large], Density()) is None, "no full page seen yet: nothing to size by"


def test_a_page_in_flight_across_the_split_ends_the_first_half() -> None:
    span = Span(key=0, after=0, up_to=2000)
    span.next()  # its reader asks for (0, 2000] ...
    stolen = steal([span], dense())
    assert stolen is not None
    assert stolen.after == 1000
    # ... and the answer reaches past the new end: the first half is read to its end,
    # the records above 1000 are read again by the new reader (a repeat, not a loss).
    position = span.advance(page(801, count=250))
    assert position is None
    assert span.clamp(position) is None


def test_positions_follow_the_narrowed_range() -> None:
    span = Span(key=0, after=0, up_to=4000)
    position = span.advance(page(1))
    assert position == [250, 4000]
    stolen = steal([span], dense())
    assert stolen is not None
    # The reader's position, written after the split, stands within the first half.
    assert span.clamp(position) == [250, stolen.after]
    assert span.written == 250


def test_a_range_whose_reader_moved_past_the_middle_is_left_alone() -> None:
    span = Span(key=0, after=0, up_to=4000)
    assert not span.end_at(2000, was=3000), "it no longer ends where it was seen to"
    span.advance(page(1, step=10))  # its reader is at 2491 now
    assert not span.end_at(2000, was=4000)
    assert span.up_to == 4000


def test_initial_split_sizes_ranges_by_the_ids_density() -> None:
    first, last = page(1), page(9751)
    ranges = split_id_range(250, 9750, first, last, workers=8)
    assert ranges[0][0] == 250
    assert ranges[-1][1] == 9750
    for (_, up_to), (after, _) in itertools.pairwise(ranges):
        assert up_to == after
    assert len(ranges) <= 8
