"""Fixtures of the end-to-end tests: a PostgreSQL server and the Meltano project.

Nothing here skips: a missing prerequisite (Meltano, PostgreSQL binaries) fails the
session with what to install, so CI proves the pipeline or goes red.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from tests.e2e.meltano import MeltanoProject, meltano_executable
from tests.e2e.postgres import (
    PostgresServer,
    PrerequisiteMissing,
    check_prerequisites,
    postgres_server,
)


@pytest.fixture(scope="session")
def postgres() -> t.Iterator[PostgresServer]:
    try:
        check_prerequisites()
    except PrerequisiteMissing as error:
        pytest.fail(str(error), pytrace=False)
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def plugins_installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`meltano install` of the extractor and target-postgres, once per session."""
    try:
        meltano_executable()
    except FileNotFoundError as error:
        pytest.fail(str(error), pytrace=False)
    home = tmp_path_factory.mktemp("meltano-install")
    MeltanoProject(home).install(("extractor", "tap-bigcommerce"), ("loader", "target-postgres"))
    return home


@pytest.fixture
def project(plugins_installed: Path, tmp_path: Path) -> MeltanoProject:
    """The repository's Meltano project, with a fresh system database (and so fresh state)."""
    del plugins_installed
    return MeltanoProject(tmp_path / "meltano")
