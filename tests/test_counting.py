"""The run's first answer tells when the store counts requests, if its window began with it.

A store that begins a window at the first request after the last one ended (the
sandbox, or any store no other app is using) shows, in the first answer of a run, when it
counted that request: the window began then. Counted as it arrived, the answer's `left`
already counts the requests sent after it; counted as it answered, a request sent in a
window's last response time counts in the next window. Anything else tells nothing.
"""

from __future__ import annotations

from tap_bigcommerce.counting import DELAY_TRUST, Reading, StoreCounting

WINDOW = 3.0


def first_answer(
    *, sent: float, answered: float, window_began: float
) -> tuple[StoreCounting, Reading]:
    counting = StoreCounting()
    reset_ms = int((window_began + WINDOW - answered) * 1000)
    reading = counting.read(started=sent, answered=answered, reset_ms=reset_ms, window=WINDOW)
    return counting, reading


def test_a_window_begun_as_the_request_arrived_counts_what_followed_it() -> None:
    counting, reading = first_answer(sent=10.0, answered=11.0, window_began=10.001)
    assert counting.delay == 0.0
    # Counted up to about when the answer was written: a little before it came.
    assert 10.8 <= reading.counted_to < 11.0


def test_a_window_begun_as_the_request_answered_counts_a_response_time_late() -> None:
    counting, reading = first_answer(sent=10.0, answered=11.0, window_began=10.99)
    assert 0.8 <= counting.delay <= 0.99 * DELAY_TRUST + 1e-9
    assert reading.counted_to == 10.0


def test_a_window_begun_before_the_request_tells_nothing() -> None:
    # Another app began it, or the store keeps its own schedule: the cautious reading.
    counting, reading = first_answer(sent=10.0, answered=11.0, window_began=8.5)
    assert counting.delay == 0.0
    assert reading.counted_to == 10.0


def test_the_delay_is_never_more_than_the_quickest_answer_took() -> None:
    counting, _ = first_answer(sent=10.0, answered=11.0, window_began=10.99)
    counting.read(started=20.0, answered=20.3, reset_ms=1500, window=WINDOW)
    assert counting.delay <= 0.3 * DELAY_TRUST + 1e-9
