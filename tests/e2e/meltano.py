"""Drive this repository's Meltano project (meltano.yml) as a user would.

Each `MeltanoProject` has its own system database (so its state never mixes with the
demo's or another test's) and runs `meltano` from `.meltano-venv`. Meltano copies every
line a plugin writes to stdout to the logger `meltano.plugin.stdout.<type>.<name>` when
that logger is enabled for DEBUG; a logging config turns on just the extractor's, into
a file, so the Singer messages the tap really emitted in a run are read back from there
while everything else logs at INFO as usual.
"""

from __future__ import annotations

import json
import os
import subprocess
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MELTANO = REPO / ".meltano-venv" / "bin" / "meltano"
EXTRACTOR = "tap-bigcommerce"
SCRUBBED_PREFIXES = ("TAP_BIGCOMMERCE_", "TARGET_POSTGRES_", "TARGET_JSONL_", "MELTANO_")


def meltano_executable() -> Path:
    if not MELTANO.is_file():
        raise FileNotFoundError(
            f"{MELTANO} is missing: the end-to-end tests need Meltano "
            "(`make .meltano-venv/bin/meltano`, which `make test` runs first)"
        )
    return MELTANO


@dataclass
class MeltanoRun:
    """One `meltano run`: exit code, Meltano's log and the tap's own Singer messages."""

    returncode: int
    log: str
    messages: list[dict[str, t.Any]] = field(default_factory=list)

    def tail(self, lines: int = 30) -> str:
        """Why a run failed: the plugins' error lines, then the end of Meltano's log."""
        log = self.log.splitlines()
        errors = [
            line
            for line in log
            if any(word in line for word in ("error", "Error", "failed", "Traceback"))
        ]
        return "\n".join([*errors[-20:], "...", *log[-lines:]])

    @property
    def final_state(self) -> dict[str, t.Any]:
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        assert states, "the tap emitted no STATE message"
        return t.cast("dict[str, t.Any]", states[-1])

    def streams(self) -> dict[str, list[str]]:
        """Every stream the tap described (SCHEMA), with its primary key."""
        return {
            m["stream"]: list(m.get("key_properties") or [])
            for m in self.messages
            if m["type"] == "SCHEMA"
        }

    def columns(self, stream: str) -> set[str]:
        """The properties of the stream's (last) SCHEMA message."""
        schemas = [m for m in self.messages if m["type"] == "SCHEMA" and m["stream"] == stream]
        return set(schemas[-1]["schema"].get("properties", {})) if schemas else set()

    def records(self, stream: str) -> list[dict[str, t.Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]


LOGGING_CONFIG = """\
version: 1
disable_existing_loggers: false
formatters:
  console:
    "()": meltano.core.logging.formatters.console_log_formatter
    colors: false
  json:
    "()": meltano.core.logging.formatters.json_formatter
handlers:
  console:
    class: logging.StreamHandler
    level: INFO
    formatter: console
    stream: ext://sys.stderr
  tap_stdout:
    class: logging.FileHandler
    level: DEBUG
    formatter: json
    filename: {path}
    mode: w
loggers:
  "":
    handlers: [console]
    level: INFO
  meltano.plugin.stdout.extractors.{extractor}:
    handlers: [tap_stdout]
    level: DEBUG
    propagate: false
"""


def _tap_messages(log: str) -> list[dict[str, t.Any]]:
    messages = []
    for line in log.splitlines():
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if event.get("string_id") != EXTRACTOR or event.get("stdio") != "stdout":
            continue
        try:
            message = json.loads(event["event"])
        except (json.JSONDecodeError, TypeError):
            continue
        if isinstance(message, dict) and "type" in message:
            messages.append(message)
    return messages


class MeltanoProject:
    """The repository's Meltano project with a private system database."""

    def __init__(self, home: Path, env: dict[str, str] | None = None) -> None:
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        base = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_PREFIXES)}
        self.env = {
            **base,
            "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
            "MELTANO_DATABASE_URI": f"sqlite:///{home / 'meltano.db'}",
            "MELTANO_ENVIRONMENT": "dev",
            **(env or {}),
        }

    def meltano(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(meltano_executable()), *args],
            cwd=REPO,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def install(self, *plugins: tuple[str, str]) -> None:
        for plugin_type, name in plugins:
            result = self.meltano("install", "--plugin-type", plugin_type, name)
            assert result.returncode == 0, f"meltano install {name}:\n{result.stderr[-4000:]}"

    def run(self, *blocks: str, env: dict[str, str] | None = None) -> MeltanoRun:
        """`meltano run`, keeping what the extractor wrote to stdout."""
        captured = self.home / "tap-stdout.jsonl"
        config = self.home / "logging.yaml"
        config.write_text(
            LOGGING_CONFIG.format(path=json.dumps(str(captured)), extractor=EXTRACTOR)
        )
        captured.unlink(missing_ok=True)
        result = self.meltano(f"--log-config={config}", "run", *blocks, env=env)
        messages = _tap_messages(captured.read_text()) if captured.exists() else []
        return MeltanoRun(result.returncode, result.stderr + result.stdout, messages)

    def state(self, state_id: str) -> dict[str, t.Any]:
        result = self.meltano("state", "get", state_id)
        assert result.returncode == 0, result.stderr[-4000:]
        return t.cast("dict[str, t.Any]", json.loads(result.stdout))
