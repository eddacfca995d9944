"""Helpers for the end-to-end auth tests: run the CLI, play the browser, call the API."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
import typing as t
from pathlib import Path
from urllib.parse import urlsplit

import requests

from tap_bigcommerce.auth.cli import run

AUTH_CLI = str(Path(sys.executable).with_name("tap-bigcommerce-auth"))


class Transcript:
    """Everything the tests saw: CLI output, exceptions; grepped for secrets at the end."""

    def __init__(self) -> None:
        self.chunks: list[str] = []

    def add(self, *texts: str) -> None:
        self.chunks.extend(texts)

    def text(self) -> str:
        return "\n".join(self.chunks)


def write_config(path: Path, config: dict[str, t.Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config))
    return path


def cli_streams(
    transcript: Transcript, *argv: str, stdin: str = "", browser: t.Any = None
) -> tuple[int, str, str]:
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), environ={}, stdin=io.StringIO(stdin), out=out, err=err, browser=browser)
    transcript.add(out.getvalue(), err.getvalue())
    return code, out.getvalue(), err.getvalue()


def cli(
    transcript: Transcript, *argv: str, stdin: str = "", browser: t.Any = None
) -> tuple[int, str]:
    """Run the CLI in-process; returns (exit code, stderr)."""
    code, out, err = cli_streams(transcript, *argv, stdin=stdin, browser=browser)
    assert out == "", f"{argv[0]} wrote to stdout: {out!r}"
    return code, err


def authorize_url(transcript: Transcript, config_path: Path) -> str:
    """Web flow step 1 in-process; the URL it prints as its one line of stdout."""
    code, out, err = cli_streams(transcript, "authorize-url", "--config", str(config_path))
    assert code == 0, err
    assert out.endswith("\n"), out
    assert out.count("\n") == 1, out
    url = out.strip()
    assert urlsplit(url).path.endswith("/oauth2/authorize"), url
    return url


def cli_process(
    transcript: Transcript,
    *argv: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    umask: int = -1,
) -> subprocess.CompletedProcess[str]:
    """Run the installed console script in its own process (with `umask` when not -1)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_BIGCOMMERCE_")}
    full_env.update(env or {})
    proc = subprocess.run(
        [AUTH_CLI, *argv],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
        check=False,
        umask=umask,
    )
    transcript.add(proc.stdout, proc.stderr)
    return proc


def url_from(stderr: str) -> str:
    match = re.search(r"^\s+(http\S+/oauth2/authorize\?\S+)$", stderr, re.MULTILINE)
    assert match, stderr
    return match.group(1)


class BrowserPlayer:
    """Passed to the desktop login as its 'browser': records the URL it would open."""

    def __init__(self) -> None:
        self.url: str | None = None
        self.opened = threading.Event()

    def __call__(self, url: str) -> None:
        self.url = url
        self.opened.set()


class LoginThread(threading.Thread):
    """`tap-bigcommerce-auth login` running while the test plays the browser."""

    def __init__(self, transcript: Transcript, config_path: Path, *extra: str) -> None:
        super().__init__(daemon=True)
        self.transcript = transcript
        self.browser = BrowserPlayer()
        self.argv = ["login", "--config", str(config_path), *extra]
        self.code: int | None = None
        self.stderr = ""

    def run(self) -> None:
        self.code, self.stderr = cli(self.transcript, *self.argv, browser=self.browser)
        self.browser.opened.set()

    def wait_url(self) -> str:
        assert self.browser.opened.wait(10)
        assert self.browser.url, self.stderr
        return self.browser.url

    def finish(self) -> int:
        self.join(20)
        assert not self.is_alive()
        assert self.code is not None
        return self.code


def api_ok(sb: t.Any, token: str) -> bool:
    """Whether the sandbox's store API accepts `token`."""
    cfg = sb.tap_config()
    response = requests.get(
        f"{cfg['api_url']}/stores/{cfg['store_hash']}/v2/orders",
        params={"limit": 1},
        headers={"X-Auth-Token": token, "Accept": "application/json"},
        timeout=10,
    )
    return response.status_code == 200
