"""The Meltano Hub definition (hub/extractors/tap-bigcommerce.yml) never drifts from meltano.yml."""

from __future__ import annotations

import subprocess
import sys
import typing as t

import yaml

from tests.e2e.meltano import REPO

HUB = REPO / "hub" / "extractors" / "tap-bigcommerce.yml"
HUB_FIELDS = ("name", "kind", "label", "description", "sensitive", "value", "options")


def extractor() -> dict[str, t.Any]:
    project = yaml.safe_load((REPO / "meltano.yml").read_text())
    return next(e for e in project["plugins"]["extractors"] if e["name"] == "tap-bigcommerce")


def test_hub_file_is_fresh() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "plugin_metadata.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hub_definition_matches_meltano_yml() -> None:
    hub = yaml.safe_load(HUB.read_text())
    local = extractor()
    for field in ("namespace", "executable", "label", "description", "capabilities"):
        assert hub[field] == local[field], field
    assert hub["settings_group_validation"] == local["settings_group_validation"]

    def project(settings: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
        return [{k: s[k] for k in HUB_FIELDS if k in s} for s in settings]

    assert project(hub["settings"]) == project(local["settings"])
    for setting in hub["settings"]:
        for field in ("kind", "label", "description"):
            assert setting.get(field), (setting["name"], field)
    sensitive = {s["name"] for s in hub["settings"] if s.get("sensitive")}
    assert {"access_token", "client_secret", "oauth_settings_key", "oauth_verifier"} <= sensitive
    assert hub["pip_url"] == "tap-bigcommerce-sdk"
    assert hub["docs"].startswith(hub["repo"])
