"""What PyPI would show: the wheel's metadata, and the release workflow that publishes it.

The README, the Hub definition (`pip_url`) and the release workflow all name the
distribution `tap-bigcommerce-sdk`; the wheel built from this tree must carry that name,
the license file its metadata declares, the project's URLs and the console scripts.
"""

from __future__ import annotations

import email.parser
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
DISTRIBUTION = "tap-bigcommerce-sdk"


@pytest.fixture(scope="module")
def metadata(tmp_path_factory: pytest.TempPathFactory) -> tuple[email.message.Message, list[str]]:
    out = tmp_path_factory.mktemp("dist")
    uv = REPO / ".uv-venv" / "bin" / "uv"
    command = [str(uv), "build", "--wheel", "--out-dir", str(out), str(REPO)]
    if not uv.exists():
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(REPO)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    (wheel,) = out.glob("tap_bigcommerce_sdk-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        text = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    return email.parser.BytesParser().parsebytes(text), names


def test_the_wheel_is_the_documented_distribution(
    metadata: tuple[email.message.Message, list[str]],
) -> None:
    meta, names = metadata
    assert meta["Name"] == DISTRIBUTION
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta["License-File"] == "LICENSE"
    license_text = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
    assert license_text
    assert "Apache License" in (REPO / "LICENSE").read_text()[:200]
    urls = {value.split(",", 1)[0].strip().lower() for value in meta.get_all("Project-URL", [])}
    assert {"homepage", "source", "issues", "documentation", "changelog"} <= urls
    assert meta["Requires-Python"]


def test_the_hub_and_readme_install_that_distribution() -> None:
    hub = yaml.safe_load((REPO / "hub" / "extractors" / "tap-bigcommerce.yml").read_text())
    assert hub["pip_url"] == DISTRIBUTION
    assert f"`{DISTRIBUTION}`" in (REPO / "README.md").read_text()


def test_the_release_workflow_publishes_it_to_pypi() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text())
    jobs = workflow["jobs"]
    publish = jobs["publish"]
    assert publish["environment"]["url"] == f"https://pypi.org/project/{DISTRIBUTION}/"
    assert publish["permissions"] == {"id-token": "write"}  # trusted publishing, no token
    assert any(
        str(step.get("uses", "")).startswith("pypa/gh-action-pypi-publish@")
        for step in publish["steps"]
    )
    build = "\n".join(str(step.get("run", "")) for step in jobs["build"]["steps"])
    assert "python -m build" in build
    assert "release tag $TAG is not version" in build  # a tag that is not the version stops it
    assert 'tap-bigcommerce" --about' in build  # the built wheel installs and runs
