"""The README's shell blocks, as the README test reads and runs them.

A shell block meant to run is preceded by `<!-- readme-test: STEP -->`, where STEP names
what the test must have ready (a project, a sandbox, a browser); a block that cannot run
here says why: `<!-- readme-test: not-run: REASON -->`. Every `sh` block carries one or
the other, so a command added to the README without either fails the suite.

A block runs as one bash script (`set -euo pipefail`), after its stand-ins are replaced:
the store hashes `abc123` and `def456` by the sandbox's, and each `<value in angle
brackets>` by what a user would type. A stand-in given for a block must occur in it, so
the test can never drift from the README without failing.
"""

from __future__ import annotations

import os
import re
import subprocess
import typing as t
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(r"^```(?P<lang>\S*)\n(?P<body>.*?)^```\n", re.MULTILINE | re.DOTALL)
MARKER = re.compile(r"<!-- readme-test: (?P<step>[a-z0-9-]+)(?:: (?P<reason>.+?))? -->\n\Z")
NOT_RUN = "not-run"
PLACEHOLDER = re.compile(r"<[a-z][a-z0-9 ]*>")
SHELL_LANGS = ("sh", "bash", "shell", "console")


@dataclass(frozen=True)
class Block:
    step: str | None
    body: str
    line: int
    reason: str | None = None


def shell_blocks(text: str | None = None) -> list[Block]:
    """Every top-level shell block of the README, with the step its marker names (or None)."""
    text = README.read_text(encoding="utf-8") if text is None else text
    blocks = []
    for fence in FENCE.finditer(text):
        if fence.group("lang") not in SHELL_LANGS:
            continue
        marker = MARKER.search(text[max(0, fence.start() - 300) : fence.start()])
        line = text.count("\n", 0, fence.start()) + 1
        blocks.append(
            Block(
                step=marker.group("step") if marker else None,
                body=fence.group("body"),
                line=line,
                reason=marker.group("reason") if marker else None,
            )
        )
    return blocks


def block(step: str) -> Block:
    (found,) = [b for b in shell_blocks() if b.step == step]
    return found


def fill(body: str, values: t.Mapping[str, str]) -> str:
    """The block with its stand-ins replaced; each must occur, and no `<...>` may remain."""
    for stand_in in values:
        assert stand_in in body, f"the README block no longer contains {stand_in!r}"
    # Longest first: `abc123` also occurs inside `<token of abc123>`.
    for stand_in in sorted(values, key=len, reverse=True):
        body = body.replace(stand_in, values[stand_in])
    left = PLACEHOLDER.findall(body)
    assert not left, f"no value given for {left}"
    return body


class UserShell:
    """A new user's terminal: its own HOME, Meltano on PATH, nothing of this repository's env."""

    def __init__(self, home: Path, meltano_bin: Path, env: t.Mapping[str, str]) -> None:
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        repo = README.parent
        path = [
            str(meltano_bin),
            *(
                p
                for p in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep)
                if p and not Path(p).resolve().is_relative_to(repo)
            ),
        ]
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TAP_BIGCOMMERCE_", "TARGET_", "MELTANO_", "VIRTUAL_ENV"))
        }
        self.env = {
            **base,
            "HOME": str(home),
            "PATH": os.pathsep.join(path),
            "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
            **env,
        }
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            self.env.pop(name, None)
        self.transcript: list[str] = []

    def run(
        self,
        body: str,
        cwd: Path,
        *,
        stdin: str = "",
        env: t.Mapping[str, str] | None = None,
        timeout: float = 600,
    ) -> subprocess.CompletedProcess[str]:
        """Run one block; a failing command fails it (set -e), with its output in the message."""
        script = "set -euo pipefail\n" + body
        try:
            done = subprocess.run(
                ["bash", "-c", script],
                cwd=cwd,
                env={**self.env, **(env or {})},
                input=stdin,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as stuck:
            out = stuck.stdout.decode() if isinstance(stuck.stdout, bytes) else stuck.stdout
            err = stuck.stderr.decode() if isinstance(stuck.stderr, bytes) else stuck.stderr
            raise AssertionError(
                f"README block still running after {timeout:.0f} s:\n{body}\n--- stdout\n"
                f"{(out or '')[-3000:]}\n--- stderr\n{(err or '')[-6000:]}"
            ) from None
        self.transcript += [body, done.stdout, done.stderr]
        assert done.returncode == 0, (
            f"README block failed ({done.returncode}):\n{body}\n--- stdout\n{done.stdout[-3000:]}"
            f"\n--- stderr\n{done.stderr[-6000:]}"
        )
        return done
