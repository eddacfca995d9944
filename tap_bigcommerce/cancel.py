"""Stopping a run cleanly on SIGTERM or SIGINT, as orchestrators and CI cancel it.

Meltano, Airflow, Dagster, Kubernetes and CI stop a run with SIGTERM (Ctrl-C sends
SIGINT). The run must then end within seconds, with everything it wrote complete and
the last STATE one that loses nothing, and a non-zero exit. Three things make that so:

* The signal handler never writes (a STATE written from inside the writer's own write
  would interleave with a half-written line, or wait forever on the writer's lock):
  it marks the run cancelled and raises `CancelledError` in the main thread, unless the
  main thread is writing to stdout at that moment, in which case the writer raises it
  as soon as the write is done (`output.StateFlushingWriter`).
* Worker threads notice at once: their waits (backoff, rate limit) end, and the sockets
  of requests in flight are shut (`deadline.cut_all`), so none lingers.
* The tap's command catches `CancelledError`, flushes what was written, writes the
  state as it stands (bookmarks move only when a window is complete, so it is safe) and
  exits with 128 + the signal's number.
"""

from __future__ import annotations

import signal
import threading

from tap_bigcommerce.deadline import cut_all
from tap_bigcommerce.errors import CancelledError

_cancelled = threading.Event()
_signum = 0


def request(signum: int) -> None:
    """Cancel the run: wake every wait and cut every request in flight."""
    global _signum
    _signum = _signum or signum
    _cancelled.set()
    cut_all()


def requested() -> bool:
    return _cancelled.is_set()


def check() -> None:
    """Raise `CancelledError` if the run was cancelled (worker threads call this)."""
    if _cancelled.is_set():
        raise CancelledError(_signum)


def sleep(seconds: float) -> None:
    """`time.sleep`, cut short (with `CancelledError`) when the run is cancelled."""
    if _cancelled.wait(max(seconds, 0.0)):
        raise CancelledError(_signum)


def exit_status(error: CancelledError) -> int:
    """The shell's status for a process ended by the signal: 128 + its number."""
    return 128 + error.signum


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def reset() -> None:
    """Forget a cancellation (for callers that run the tap in-process more than once)."""
    global _signum
    _signum = 0
    _cancelled.clear()
