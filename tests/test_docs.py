"""The README and meltano.yml are generated from the code; stale copies fail here."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import types
from pathlib import Path

import yaml

from tests.locked_sdk import require_locked_singer_sdk

REPO = Path(__file__).resolve().parent.parent


def run_script(name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / name), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )


def readme_script() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("readme_script", REPO / "scripts" / "readme.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def readme_section(name: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    begin, end = f"<!-- BEGIN {name} (scripts/readme.py) -->\n", f"<!-- END {name} -->"
    start = text.index(begin) + len(begin)
    return text[start : text.index(end)]


def test_readme_streams_table_matches_the_code() -> None:
    assert readme_section("streams") == readme_script().streams_table()


def test_readme_settings_and_capabilities_match_about() -> None:
    """The about sections are the SDK's rendering, so they are compared on the locked SDK only.

    `make test-sdk-next` runs the suite on the next singer-sdk, whose `--about` words the
    SDK's own settings differently; the README documents the release users install.
    """
    require_locked_singer_sdk()
    assert readme_section("about") == readme_script().about_sections()


def test_meltano_settings_match_the_config_schema() -> None:
    require_locked_singer_sdk()
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
    # `stores` is no secret itself, but each of its entries holds a store's token.
    store_entry = TapBigCommerce.config_jsonschema["properties"]["stores"]["items"]
    assert store_entry["properties"]["access_token"].get("secret")
    assert sensitive == secret | {"stores"}
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
