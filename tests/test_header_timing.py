"""When a store writes its rate-limit headers is read from the answers themselves.

Read as written at the answer, a header written as the request arrived puts the window's
reset a response time late (the budget would idle that long at every window's end); read
as written at the start, a header written at the answer puts it early (the budget would
send into a window already spent). The reset the answers of one window imply is one
moment for all of them only when read the right way, provided their response times
differ.
"""

from __future__ import annotations

import random

from tap_bigcommerce.header_timing import RESOLUTION, HeaderTiming

WINDOW = 3.0


def answers(timing: HeaderTiming, *, written_on_arrival: bool, windows: int, seed: int = 3) -> None:
    """Answers of `windows` windows of 3 s, 15 requests/s, response times 0.8 to 1.2 s."""
    rng = random.Random(seed)
    for w in range(windows):
        reset = 10.0 + WINDOW * (w + 1)
        for i in range(45):
            started = reset - WINDOW + i / 15
            answered = started + rng.uniform(0.8, 1.2)
            written = started if written_on_arrival else answered
            timing.reset_at(
                started=started,
                answered=answered,
                reset_ms=int((reset - written) * 1000),
                window=WINDOW,
            )


def test_headers_written_on_arrival_are_read_so_after_two_windows() -> None:
    timing = HeaderTiming()
    answers(timing, written_on_arrival=True, windows=2)
    assert not timing.on_arrival, "one window is not enough to decide"
    answers(timing, written_on_arrival=True, windows=3)
    assert timing.on_arrival
    reset = timing.reset_at(started=100.0, answered=101.0, reset_ms=2000, window=WINDOW)
    assert reset == 102.0 + RESOLUTION


def test_headers_written_at_the_answer_are_read_so() -> None:
    timing = HeaderTiming()
    answers(timing, written_on_arrival=False, windows=5)
    assert not timing.on_arrival
    reset = timing.reset_at(started=100.0, answered=101.0, reset_ms=2000, window=WINDOW)
    assert reset == 103.0 + RESOLUTION


def test_response_times_too_alike_to_tell_keep_the_safe_reading() -> None:
    timing = HeaderTiming()
    for w in range(5):
        reset = 10.0 + WINDOW * (w + 1)
        for i in range(45):
            started = reset - WINDOW + i / 15
            timing.reset_at(
                started=started,
                answered=started + 1.0,
                reset_ms=int((reset - started) * 1000),
                window=WINDOW,
            )
    assert not timing.on_arrival, "a constant response time tells nothing"
