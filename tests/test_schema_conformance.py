"""Every record the tap writes validates against the SCHEMA message it sent for its stream.

A target types its columns from the SCHEMA message: a record that does not match it is
rejected by a strict target (target-postgres refuses a string in an integer column) or
loaded mangled by a lax one. So every record of every stream, old and new, of a sync of
all streams against the sandbox is validated, with format checking on: a `date-time`
must be an RFC 3339 timestamp (`rfc3339-validator` makes jsonschema check it).

Both record paths are covered: the default fast path, and the SDK's own loop.
"""

from __future__ import annotations

import collections
import typing as t

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions
from jsonschema import Draft7Validator, FormatChecker

from tap_bigcommerce.streams import STREAM_TYPES
from tests.tapio import every_stream_selected, run_tap

MAX_REPORTED = 5


@pytest.fixture(scope="module")
def store() -> t.Iterator[Sandbox]:
    with Sandbox(SandboxOptions(seed=13, orders=150, products=80, customers=90)) as sandbox:
        yield sandbox


def test_format_checking_is_on() -> None:
    """Without rfc3339-validator installed, jsonschema skips `date-time` silently."""
    checker = FormatChecker()
    assert "date-time" in checker.checkers
    assert not checker.conforms("2024-13-45 25:00", "date-time")
    assert checker.conforms("2024-06-30T00:00:00+00:00", "date-time")


@pytest.mark.parametrize("fast_record_path", [True, False], ids=["fast-path", "sdk-path"])
def test_every_record_of_every_stream_validates_against_its_schema_message(
    store: Sandbox, fast_record_path: bool
) -> None:
    config = {**store.tap_config(), "fast_record_path": fast_record_path}
    run = run_tap(config, catalog=every_stream_selected(config))
    assert run.returncode == 0, run.stderr[-3000:]
    checker = FormatChecker()
    validators: dict[str, Draft7Validator] = {}
    counts: collections.Counter[str] = collections.Counter()
    problems: list[str] = []
    for message in run.messages:
        if message["type"] == "SCHEMA":
            Draft7Validator.check_schema(message["schema"])
            validators[message["stream"]] = Draft7Validator(
                message["schema"], format_checker=checker
            )
        elif message["type"] == "RECORD":
            stream = message["stream"]
            assert stream in validators, f"a record of '{stream}' before its SCHEMA message"
            counts[stream] += 1
            for error in validators[stream].iter_errors(message["record"]):
                if len(problems) < MAX_REPORTED:
                    where = "/".join(map(str, error.absolute_path))
                    problems.append(f"{stream} {where}: {error.message[:200]}")
    assert not problems, "\n".join(problems)
    # Every stream was read (and so checked), not only those that happen to have data.
    assert set(counts) == {stream.name for stream in STREAM_TYPES}, sorted(
        {stream.name for stream in STREAM_TYPES} - set(counts)
    )
