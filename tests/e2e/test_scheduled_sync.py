"""The scheduled-sync workflow's Meltano steps, with its S3 state backend, against moto.

GitHub runs `.github/workflows/scheduled-sync.yml` with a fresh runner each time, so
every run depends on the state backend (`MELTANO_STATE_BACKEND_URI=s3://...`) to
continue where the last one stopped. Here a local S3-compatible server (moto's server
mode, from `.moto-venv`) stands in for S3, and the workflow's own environment names
and command run twice with the Meltano the workflow installs (the same lock file as
`.meltano-venv`): the first run stores its bookmarks in the bucket, the second reads
them back and syncs only what changed. The store authenticates with a token, the
workflow's documented alternative to its OAuth lines.
"""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import time
import typing as t
from pathlib import Path

import pytest
import yaml
from bigcommerce_sandbox import Sandbox, SandboxOptions

from tests.e2e.meltano import REPO, MeltanoProject, MeltanoRun
from tests.e2e.postgres import PostgresServer

WORKFLOW = REPO / ".github" / "workflows" / "scheduled-sync.yml"
MOTO_SERVER = REPO / ".moto-venv" / "bin" / "moto_server"
BUCKET = "tap-bigcommerce-state"
STATE_ID = "dev:tap-bigcommerce-to-target-postgres"
PARENTS = ("orders", "products", "customers")
SECRET = re.compile(r"^\$\{\{ secrets\.(?P<name>\w+) \}\}$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def s3_request(port: int, method: str, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path)
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


@pytest.fixture
def s3_server(tmp_path: Path) -> t.Iterator[int]:
    if not MOTO_SERVER.is_file():
        pytest.fail(
            f"{MOTO_SERVER} is missing: run `make .moto-venv/bin/moto_server`", pytrace=False
        )
    port = free_port()
    log = (tmp_path / "moto.log").open("w")
    server = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                s3_request(port, "GET", "/")
                break
            except OSError:
                assert server.poll() is None, "moto_server exited"
                assert time.monotonic() < deadline, "moto_server did not start in 60 s"
                time.sleep(0.2)
        status, body = s3_request(port, "PUT", f"/{BUCKET}")
        assert status == 200, body
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def workflow_sync_job() -> dict[str, t.Any]:
    return t.cast("dict[str, t.Any]", yaml.safe_load(WORKFLOW.read_text())["jobs"]["sync"])


def workflow_environment(secrets: dict[str, str]) -> dict[str, str]:
    """The sync job's `env`, its secrets filled in; variables of the OAuth lines dropped."""
    env = {}
    for name, value in workflow_sync_job()["env"].items():
        if name.startswith(("TAP_BIGCOMMERCE_AUTH_", "TAP_BIGCOMMERCE_INITIATE_")):
            continue
        if name.startswith(("TAP_BIGCOMMERCE_CLIENT_", "TAP_BIGCOMMERCE_OAUTH_")):
            continue
        secret = SECRET.match(str(value))
        env[name] = secrets[secret.group("name")] if secret else str(value)
    return env


def test_workflow_installs_the_tested_meltano() -> None:
    steps = "\n".join(str(step.get("run", "")) for step in workflow_sync_job()["steps"])
    assert "--require-hashes -r requirements/meltano.lock.txt" in steps
    assert "meltano[postgres,s3]==" in (REPO / "requirements" / "meltano.in").read_text()
    assert "meltano run $FULL_REFRESH tap-bigcommerce target-postgres" in steps


def test_state_survives_between_runs_in_the_s3_backend(
    project: MeltanoProject, postgres: PostgresServer, s3_server: int
) -> None:
    postgres.create_database("scheduled")
    with Sandbox(SandboxOptions(seed=3, orders=50, products=20, customers=20)) as sandbox:
        config = sandbox.tap_config()
        secrets = {
            "MELTANO_STATE_BACKEND_URI": f"s3://{BUCKET}/meltano-state",
            "AWS_ACCESS_KEY_ID": "moto-key-id",
            "AWS_SECRET_ACCESS_KEY": "moto-secret",
            "AWS_REGION": "us-east-1",
            "BIGCOMMERCE_STORE_HASH": config["store_hash"],
            "WAREHOUSE_HOST": postgres.host,
            "WAREHOUSE_PORT": str(postgres.port),
            "WAREHOUSE_USER": postgres.user,
            "WAREHOUSE_PASSWORD": postgres.password,
            "WAREHOUSE_DATABASE": "scheduled",
        }
        project.env |= workflow_environment(secrets) | {
            "TAP_BIGCOMMERCE_ACCESS_TOKEN": config["access_token"],
            "TAP_BIGCOMMERCE_API_URL": config["api_url"],
            "TAP_BIGCOMMERCE_WINDOW_LAG_SECONDS": "0",
            # The only difference from S3 itself: where the bucket is.
            "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{s3_server}",
        }

        def scheduled_run() -> MeltanoRun:
            sandbox.advance_clock(2)
            result = project.run("tap-bigcommerce", "target-postgres")
            assert result.returncode == 0, result.tail()
            return result

        first = scheduled_run()
        status, listing = s3_request(s3_server, "GET", f"/{BUCKET}?list-type=2")
        assert status == 200, listing
        assert f"<Key>meltano-state/{STATE_ID}/" in listing, listing
        assert project.state(STATE_ID)["singer_state"] == first.final_state

        edited = {resource: sandbox.edit(resource, 5) for resource in PARENTS}
        second = scheduled_run()
        for resource in PARENTS:
            ids = {record["id"] for record in second.records(resource)}
            assert set(edited[resource]) <= ids, resource
            assert len(ids) < len(sandbox.truth(resource)) / 2, resource
        assert project.state(STATE_ID)["singer_state"] == second.final_state
        assert second.final_state != first.final_state
