"""The README, run as a new user would: every marked shell block, with the pinned Meltano 4.4.

The "clone" is a copy of the files git would check out (tracked and untracked, .gitignore
respected) in a temporary directory outside the repository; projects are made beside it
with `meltano init`, exactly as the README says. The user's shell has its own HOME,
Meltano from `.meltano-venv` on PATH, and none of this repository's environment. The
store is the sandbox (`TAP_BIGCOMMERCE_API_URL`/`_LOGIN_URL`), the browser a stand-in
(`fake_browser.py`), the warehouse the session's PostgreSQL server; tokens, secrets and
passwords are typed on stdin where the README reads them with `read -rs`.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import typing as t
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.e2e.meltano import REPO
from tests.e2e.postgres import PostgresServer
from tests.e2e.readme_blocks import NOT_RUN, UserShell, block, fill, shell_blocks

RUN_STEPS = {
    "quick-start",
    "sandbox",
    "project",
    "token",
    "oauth-app",
    "oauth-status",
    "web-step-1",
    "web-step-2",
    "headless",
    "postgres",
    "many-stores",
    "job-per-store",
}
MELTANO_3_SYNTAX = re.compile(
    r"meltano (config [a-z][\w-]* (set|list|unset|reset)\b|elt\b|(add|install|remove) "
    r"(extractors?|loaders?|utilities|utility|mappers?)\b)"
)
PROJECT = "bigcommerce-elt"
AUTHORIZE_URL = re.compile(r"http\S+/oauth2/authorize\?\S+")
WAREHOUSE_PASSWORD = secrets.token_urlsafe(16)  # the throwaway server's loader role


def test_every_shell_block_is_marked_and_speaks_meltano_4() -> None:
    blocks = shell_blocks()
    unmarked = [b.line for b in blocks if b.step is None]
    assert not unmarked, f"README shell blocks at lines {unmarked} say neither a step nor not-run"
    for b in blocks:
        if b.step == NOT_RUN:
            assert b.reason, f"line {b.line}: not-run needs a reason"
    steps = [b.step for b in blocks if b.step is not None and b.step != NOT_RUN]
    assert sorted(steps) == sorted(RUN_STEPS), "each marked step runs once, and every one is known"
    text = (REPO / "README.md").read_text()
    assert not MELTANO_3_SYNTAX.findall(text), MELTANO_3_SYNTAX.findall(text)


# -- the world the user's commands run in ----------------------------------------------------


def git_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    )
    return [name for name in out.stdout.decode().split("\0") if name]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `git clone` of this repository gives: the working tree's files, nothing built."""
    dest = tmp_path_factory.mktemp("user") / "tap-bigcommerce"
    for name in git_files():
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redirect_uri() -> str:
    return f"http://127.0.0.1:{free_port()}/callback"


@pytest.fixture(scope="module")
def sandbox(redirect_uri: str) -> t.Iterator[Sandbox]:
    options = SandboxOptions(
        seed=5, orders=40, products=15, customers=15, stores=2, redirect_uris=(redirect_uri,)
    )
    with Sandbox(options) as sb:
        yield sb


@pytest.fixture(scope="module")
def shell(clone: Path, sandbox: Sandbox) -> UserShell:
    uv_cache = os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv")
    browser = f"{sys.executable} {Path(__file__).with_name('fake_browser.py')} %s"
    return UserShell(
        clone.parent / "home",
        REPO / ".meltano-venv" / "bin",
        {
            "TAP_BIGCOMMERCE_API_URL": sandbox.url,
            "TAP_BIGCOMMERCE_LOGIN_URL": sandbox.url,
            "BROWSER": browser,
            # The user's own package cache: the tests install from it, not from a cold start.
            "UV_CACHE_DIR": uv_cache,
        },
    )


def stores(sandbox: Sandbox) -> dict[str, str]:
    """The README's store hashes and tokens, as the sandbox has them."""
    values = {}
    for index, readme_hash in enumerate(("abc123", "def456")):
        config = sandbox.tap_config(store_index=index)
        values[readme_hash] = config["store_hash"]
        values[f"<token of {readme_hash}>"] = config["access_token"]
    return values


def new_project(shell: UserShell, clone: Path, where: str) -> Path:
    """The README's project block, run in a directory beside (a link to) the clone."""
    parent = clone.parent / where
    parent.mkdir()
    (parent / "tap-bigcommerce").symlink_to(clone)
    shell.run(block("project").body, parent)
    return parent / PROJECT


def assert_secrets_in_dotenv_only(project: Path, *secrets: str) -> None:
    meltano_yml = (project / "meltano.yml").read_text()
    dotenv = (project / ".env").read_text()
    for secret in secrets:
        assert secret not in meltano_yml, "a secret landed in meltano.yml"
        assert secret in dotenv, "a secret is missing from .env"
    assert ".env" in (project / ".gitignore").read_text().split()


@pytest.fixture(scope="module")
def token_project(shell: UserShell, clone: Path, sandbox: Sandbox) -> Path:
    """The Meltano recipe: a new project from the Hub definition, with a store token."""
    project = new_project(shell, clone, "with-token")
    token = sandbox.tap_config()["access_token"]
    body = fill(block("token").body, {"abc123": sandbox.tap_config()["store_hash"]})
    shell.run(body, project, stdin=token + "\n", timeout=120)
    assert_secrets_in_dotenv_only(project, token)
    return project


# -- the quick start and the sandbox -----------------------------------------------------------


def test_quick_start_runs_in_a_fresh_clone(shell: UserShell, clone: Path) -> None:
    quick = block("quick-start").body
    commands = [line.split("#")[0].strip() for line in quick.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    # `make test` is the suite running this test; the demo runs in the clone, from nothing.
    done = shell.run(fill(quick, {"make test": "true"}), clone, timeout=1200)
    assert "Incremental sync" in done.stdout
    assert sorted((clone / "output").glob("orders.jsonl"))


def test_sandbox_prints_a_config_the_tap_accepts(shell: UserShell, clone: Path) -> None:
    body = fill(block("sandbox").body, {"--port 8900": "--port 0"})
    assert (clone / ".venv" / "bin" / "bigcommerce-sandbox").exists(), "make demo built .venv"
    process = subprocess.Popen(
        ["bash", "-c", f"exec {body.splitlines()[0]}"],
        cwd=clone,
        env=shell.env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        config = json.loads(process.stdout.readline())
        path = clone.parent / "sandbox-config.json"
        path.write_text(json.dumps(config))
        check = subprocess.run(
            [str(clone / ".venv" / "bin" / "tap-bigcommerce"), "--config", str(path), "--discover"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stderr[-2000:]
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
    assert {"api_url", "login_url", "store_hash", "access_token", "client_id"} <= set(config)


# -- Meltano, with a token and with the OAuth app ------------------------------------------------


def test_the_meltano_recipe_keeps_the_token_in_dotenv(token_project: Path) -> None:
    definition = (token_project / "meltano.yml").read_text()
    assert "namespace: tap_bigcommerce" in definition
    assert "commands:" in definition
    assert "pip_url: tap-bigcommerce-sdk" not in definition  # installed from the clone


def authorization_redirect(url: str) -> str:
    """Approve in the 'browser' and return the address it lands on (nothing listens there)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        answer = connection.getresponse()
        assert answer.status in (301, 302, 303, 307), answer.read()[:300]
        return str(answer.getheader("Location"))
    finally:
        connection.close()


def web_step_1(shell: UserShell, project: Path) -> str:
    done = shell.run(block("web-step-1").body, project)
    urls = AUTHORIZE_URL.findall(done.stdout + done.stderr)
    assert urls, done.stderr[-2000:]
    return authorization_redirect(urls[0])


def test_oauth_guides_with_meltano_invoke(
    shell: UserShell, clone: Path, sandbox: Sandbox, redirect_uri: str
) -> None:
    project = new_project(shell, clone, "with-app")
    app = sandbox.tap_config()
    secret = app["client_secret"]
    settings_files = lambda: sorted((shell.home / ".local" / "share").rglob("*"))  # noqa: E731

    # Desktop login (the browser is the stand-in), then a test run with the stored token.
    desktop = fill(
        block("oauth-app").body,
        {
            "abc123": app["store_hash"],
            "<client id>": app["client_id"],
            "http://127.0.0.1:8765/callback": redirect_uri,
        },
    )
    shell.run(desktop, project, stdin=secret + "\n")
    assert_secrets_in_dotenv_only(project, secret)
    assert settings_files(), "login saved no settings file"

    status = shell.run(block("oauth-status").body, project)
    output = status.stdout + status.stderr
    assert app["store_hash"] in output
    assert "scopes:" in output
    assert "Deleted" in output

    # The web flow, in two commands, with the address the browser landed on.
    redirect = web_step_1(shell, project)
    shell.run(fill(block("web-step-2").body, {"<the whole redirect URL>": redirect}), project)
    status = shell.run(block("oauth-status").body, project)
    assert "scopes:" in status.stdout + status.stderr

    # Headless, option 1: the verifier exchanged by the tap's first run.
    redirect = web_step_1(shell, project)
    headless = fill(block("headless").body, {"<the whole redirect URL>": redirect})
    shell.run(headless, project)
    assert_secrets_in_dotenv_only(project, secret, redirect)
    after = shell.run("meltano invoke tap-bigcommerce:status", project)
    assert "scopes:" in after.stdout + after.stderr
    for text in shell.transcript:
        assert secret not in text
        assert sandbox.tap_config()["access_token"] not in text


# -- PostgreSQL and many stores ------------------------------------------------------------------


def orders_per_store(postgres: PostgresServer) -> dict[str, int]:
    rows = postgres.query(
        "SELECT store_hash, count(*) FROM bigcommerce.orders "
        "WHERE NOT coalesce(is_deleted, FALSE) GROUP BY store_hash",
        "warehouse",
    )
    return {row[0]: int(row[1]) for row in rows}


@pytest.fixture(scope="module")
def warehouse_project(shell: UserShell, token_project: Path, postgres: PostgresServer) -> Path:
    postgres.query(f"CREATE ROLE loader LOGIN PASSWORD '{WAREHOUSE_PASSWORD}'")
    postgres.query('CREATE DATABASE "warehouse" OWNER loader')
    body = fill(
        block("postgres").body, {"db.example.com": postgres.host, "5432": str(postgres.port)}
    )
    shell.run(body, token_project, stdin=WAREHOUSE_PASSWORD + "\n")
    return token_project


def test_postgres_section_loads_the_store(
    warehouse_project: Path, sandbox: Sandbox, postgres: PostgresServer
) -> None:
    assert_secrets_in_dotenv_only(warehouse_project, WAREHOUSE_PASSWORD)
    store = sandbox.tap_config()["store_hash"]
    assert orders_per_store(postgres) == {store: len(sandbox.truth("orders"))}
    column = postgres.query(
        "SELECT data_type FROM information_schema.columns WHERE table_schema = 'bigcommerce' "
        "AND table_name = 'orders' AND column_name = 'total_inc_tax'",
        "warehouse",
    )
    assert column == [["numeric"]]


def test_many_stores_in_one_run_then_one_job_per_store(
    shell: UserShell, warehouse_project: Path, sandbox: Sandbox, postgres: PostgresServer
) -> None:
    values = stores(sandbox)
    expected = {
        values[h]: len(sandbox.truth("orders", store_index=i))
        for i, h in enumerate(("abc123", "def456"))
    }
    shell.run(fill(block("many-stores").body, values), warehouse_project)
    assert orders_per_store(postgres) == expected
    assert_secrets_in_dotenv_only(warehouse_project, values["<token of def456>"])

    done = shell.run(fill(block("job-per-store").body, values), warehouse_project)
    for readme_hash in ("abc123", "def456"):
        assert f"dev:tap-bigcommerce-to-target-postgres:{values[readme_hash]}" in done.stdout
    # Upserts: the same rows again, none duplicated.
    assert orders_per_store(postgres) == expected
    assert "TAP_BIGCOMMERCE_STORES" not in (warehouse_project / ".env").read_text()
