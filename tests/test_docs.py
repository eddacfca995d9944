"""The README and meltano.yml are generated from the code; stale copies fail here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def run_script(name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / name), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )


def test_readme_tables_match_the_code() -> None:
    result = run_script("readme.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_meltano_settings_match_the_config_schema() -> None:
    result = run_script("plugin_metadata.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_meltano_marks_every_secret_setting_sensitive() -> None:
    from tap_bigcommerce.tap import TapBigCommerce

    project = yaml.safe_load((REPO / "meltano.yml").read_text())
    extractor = project["plugins"]["extractors"][0]
    sensitive = {s["name"] for s in extractor["settings"] if s.get("sensitive")}
    secret = {
        name
        for name, prop in TapBigCommerce.config_jsonschema["properties"].items()
        if prop.get("secret")
    }
    assert secret == sensitive
    assert {"access_token", "client_secret", "oauth_settings_key"} <= sensitive
    for capability in ("catalog", "discover", "state", "about", "stream-maps"):
        assert capability in extractor["capabilities"]


def test_readme_opens_with_the_two_commands() -> None:
    text = (REPO / "README.md").read_text()
    quick_start = text[text.index("## Quick start") :]
    start = quick_start.index("```sh\n") + len("```sh\n")
    block = quick_start[start : quick_start.index("```", start)]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
