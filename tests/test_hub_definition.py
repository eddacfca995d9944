"""The Hub definition and meltano.yml: valid against the published schemas and true to the tap.

The Hub's JSON Schemas (meltano/hub's `schemas/`) are read from
`$MELTANO_HUB_SCHEMA_DIR`, else `<repo>/../shared/meltano-hub/schemas` (CI checks them
out at a pinned commit); meltano.yml is checked against the schema that ships inside
the pinned Meltano (`.meltano-venv`). What the files must say is read from the code:
`--about` for the capabilities and settings, the auth CLI for the commands.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t
from pathlib import Path

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from tests.locked_sdk import require_locked_singer_sdk

REPO = Path(__file__).resolve().parents[1]
HUB_FILE = REPO / "hub" / "extractors" / "tap-bigcommerce.yml"
SCHEMA_DIR_ENV = "MELTANO_HUB_SCHEMA_DIR"
TAP = Path(sys.executable).with_name("tap-bigcommerce")
AUTH_COMMANDS = {"login", "authorize-url", "exchange", "status", "logout"}


@pytest.fixture(scope="module")
def hub_schemas() -> Path:
    env = os.environ.get(SCHEMA_DIR_ENV)
    where = Path(env) if env else REPO.parent / "shared" / "meltano-hub" / "schemas"
    if not (where / "plugin_definitions" / "extractors.schema.json").is_file():
        pytest.fail(
            f"Meltano Hub schemas not found at {where} (set {SCHEMA_DIR_ENV} to the "
            "'schemas' directory of github.com/meltano/hub)",
            pytrace=False,
        )
    return where


def validator(schema_file: Path) -> jsonschema.protocols.Validator:
    """A validator for one Hub schema, its relative `$ref`s resolved from the files beside it."""
    root = schema_file.parent.parent

    def retrieve(uri: str) -> Resource[t.Any]:
        # The schemas' $ids are relative paths ("common/base_setting.schema.json",
        # "extractors.schema.json"): each names a file under the schemas folder.
        name = uri.split("://", 1)[-1].lstrip("/")
        for base in (root, root / "plugin_definitions", root / "common"):
            if (base / name).is_file():
                return Resource.from_contents(json.loads((base / name).read_text()))
        candidates = list(root.rglob(Path(name).name))
        assert candidates, f"unresolvable $ref {uri}"
        return Resource.from_contents(json.loads(candidates[0].read_text()))

    schema = json.loads(schema_file.read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, registry=Registry(retrieve=retrieve))  # type: ignore[call-arg]


def errors(check: jsonschema.protocols.Validator, document: t.Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in check.iter_errors(document)
    ]


def hub() -> dict[str, t.Any]:
    return t.cast("dict[str, t.Any]", yaml.safe_load(HUB_FILE.read_text()))


def project() -> dict[str, t.Any]:
    return t.cast("dict[str, t.Any]", yaml.safe_load((REPO / "meltano.yml").read_text()))


def extractor() -> dict[str, t.Any]:
    return next(e for e in project()["plugins"]["extractors"] if e["name"] == "tap-bigcommerce")


def about() -> dict[str, t.Any]:
    out = subprocess.run(
        [str(TAP), "--about", "--format=json"], capture_output=True, text=True, check=True
    )
    return t.cast("dict[str, t.Any]", json.loads(out.stdout))


def test_hub_and_meltano_yml_are_fresh() -> None:
    require_locked_singer_sdk()
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "plugin_metadata.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hub_definition_validates_against_the_hub_schema(hub_schemas: Path) -> None:
    check = validator(hub_schemas / "plugin_definitions" / "extractors.schema.json")
    assert errors(check, hub()) == []
    # The validator does reject what the Hub would: a kind Meltano does not know.
    broken = hub()
    broken["settings"][0]["kind"] = "float"
    assert errors(check, broken)


def test_meltano_yml_validates_against_meltano_and_hub_schemas(hub_schemas: Path) -> None:
    (meltano_schema,) = (REPO / ".meltano-venv").glob(
        "lib/python*/site-packages/meltano/schemas/meltano.schema.json"
    )
    assert errors(validator(meltano_schema), project()) == []
    setting_check = validator(hub_schemas / "common" / "base_setting.schema.json")
    for plugin_type, plugins in project()["plugins"].items():
        for plugin in plugins:
            for setting in plugin.get("settings", []):
                assert errors(setting_check, setting) == [], (plugin_type, plugin["name"])
    capabilities = validator(hub_schemas / "common" / "extractors_specific.schema.json")
    assert errors(capabilities, extractor()) == []


def test_capabilities_are_what_the_tap_reports() -> None:
    require_locked_singer_sdk()
    reported = about()["capabilities"]
    assert hub()["capabilities"] == reported
    assert extractor()["capabilities"] == reported
    assert {"structured-logging", "activate-version", "state", "catalog"} <= set(reported)


def test_every_setting_the_tap_accepts_is_declared_with_a_kind_meltano_casts() -> None:
    require_locked_singer_sdk()
    about_settings = about()["settings"]["properties"]
    declared = {s["name"]: s for s in hub()["settings"]}
    # Every top-level setting, the SDK's included; structured objects by their leaves.
    for name, prop in about_settings.items():
        leaves = [n for n in declared if n == name or n.startswith(f"{name}.")]
        assert leaves, f"{name} is not declared"
        if prop.get("secret"):
            assert declared[name].get("sensitive") is True, name
    for name in ("stream_maps", "stream_map_config", "flattening_enabled", "flattening_max_depth"):
        assert name in declared, name
    assert {n for n in declared if n.startswith("batch_config.")} >= {
        "batch_config.encoding.format",
        "batch_config.storage.root",
    }
    assert {n for n in declared if n.startswith("faker_config.")} >= {"faker_config.seed"}
    assert declared["flattening_enabled"]["kind"] == "boolean"
    assert declared["flattening_max_depth"]["kind"] == "integer"
    assert declared["stream_maps"]["kind"] == "object"
    # Documented as a space-separated string: Meltano would parse an array as JSON.
    assert declared["scopes"]["kind"] == "string"
    # Each store carries its credentials, so the whole list is kept out of meltano.yml.
    assert declared["stores"].get("sensitive") is True
    assert {"access_token", "client_secret", "oauth_settings_key", "oauth_verifier"} <= {
        n for n, s in declared.items() if s.get("sensitive")
    }
    for setting in declared.values():
        for field in ("kind", "label", "description"):
            assert setting.get(field) is not None, (setting["name"], field)


def test_commands_cover_the_auth_cli() -> None:
    auth = Path(sys.executable).with_name("tap-bigcommerce-auth")
    commands = hub()["commands"]
    assert set(commands) >= AUTH_COMMANDS
    for name, command in commands.items():
        assert command["executable"] == "tap-bigcommerce-auth", name
        assert command["description"], name
        usage = subprocess.run(
            [str(auth), *command["args"].split(), "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert usage.returncode == 0, (name, usage.stderr)
    assert commands == extractor()["commands"]


def test_setting_groups_name_declared_settings_for_each_auth_mode() -> None:
    groups = hub()["settings_group_validation"]
    assert groups == extractor()["settings_group_validation"]
    assert groups == [
        ["store_hash", "access_token"],  # a store API account token
        ["store_hash", "client_id", "client_secret"],  # an OAuth app
        ["stores"],  # several stores, each with its own credentials
    ]
    declared = {s["name"] for s in hub()["settings"]}
    assert {name for group in groups for name in group} <= declared


def test_hub_metadata_points_at_the_published_distribution() -> None:
    definition = hub()
    assert definition["pip_url"] == "tap-bigcommerce-sdk"
    assert definition["docs"].startswith(definition["repo"])
    assert definition["supported_python_versions"] == about()["supported_python_versions"]
    for setting in hub()["settings"]:
        assert setting in extractor()["settings"], setting["name"]
