"""The `tap-bigcommerce` command: the SDK's command line, then an exit without teardown.

When a sync is over, CPython tears the interpreter down: it frees every module and
every object one by one and runs a last collection. For the benchmark's sync that
took 0.28 s after the last message was written (a 5 s run), time in which the
output is complete and nothing is left to do. So once the SDK's command has
finished, this runs the `atexit` handlers (the message writer's flush, logging's
shutdown, the thread pools' joins), flushes standard output and error, and ends
the process with the command's exit status, skipping only the teardown.

An exception that escapes the command (a bug, Ctrl-C) ends the process the usual
way, traceback included.
"""

from __future__ import annotations

import atexit
import os
import sys

from tap_bigcommerce.tap import TapBigCommerce


def exit_status(code: object) -> int:
    """The process status `sys.exit(code)` would give, printing a message code as it would."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def main() -> None:
    try:
        TapBigCommerce.cli()
    except SystemExit as exc:
        status = exit_status(exc.code)
    else:
        status = 0
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            # A closed pipe: the reader has gone, so the output is incomplete.
            status = status or 1
    os._exit(status)


if __name__ == "__main__":
    main()
