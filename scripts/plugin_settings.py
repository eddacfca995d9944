"""Meltano setting definitions derived from the tap's JSON Schema config, SDK settings included.

Meltano reads a plugin's settings from its definition (meltano.yml, or the Hub's YAML),
not from the plugin: a setting missing there is "custom", its value is never typed (so
`meltano config set ... flattening_enabled true` sends the string 'true'), and a secret
missing there lands in plain text in meltano.yml. So the definition must list every
setting the tap accepts, with a kind Meltano can cast to what the tap validates against.

The source is the schema `tap-bigcommerce --about` prints: the tap's own
`config_jsonschema` after the SDK's `append_builtin_config` has added the settings of
the capabilities the tap declares (stream maps, flattening, batch). Nothing here lists
setting names, so settings the tap or the SDK add later appear on the next regeneration.
"""

from __future__ import annotations

import copy
import typing as t

Prop = t.Mapping[str, t.Any]

ACRONYMS = {"url": "URL", "uri": "URI", "oauth": "OAuth", "id": "ID", "api": "API"}


def about_schema() -> dict[str, t.Any]:
    """The tap's config schema as `--about` reports it: its own settings, then the SDK's."""
    from tap_bigcommerce.tap import TapBigCommerce

    schema = copy.deepcopy(TapBigCommerce.config_jsonschema)
    TapBigCommerce.append_builtin_config(schema)
    return schema


def capabilities() -> list[str]:
    """What the tap declares, in its own order (the list `--about` prints)."""
    from tap_bigcommerce.tap import TapBigCommerce

    return [str(capability.value) for capability in TapBigCommerce.capabilities]


def _alternatives(prop: Prop) -> list[Prop]:
    return [p for key in ("oneOf", "anyOf") for p in prop.get(key, []) if isinstance(p, dict)]


def json_types(prop: Prop) -> set[str]:
    """Every non-null JSON type the property accepts, its oneOf/anyOf alternatives included."""
    declared = prop.get("type", [])
    types = {declared} if isinstance(declared, str) else set(declared)
    for alternative in _alternatives(prop):
        types |= json_types(alternative)
    return types - {"null"}


def kind(prop: Prop) -> str:
    """The Meltano kind that casts a command-line or environment value to what the tap takes.

    A property that also accepts a string (`scopes`: a space-separated string or a
    list) is `string`: Meltano parses an `array` value as JSON, so the documented
    form would be refused, while a list written in meltano.yml passes either way.
    """
    types = json_types(prop)
    if [v for v in prop.get("enum") or [] if v is not None]:
        return "options"
    if prop.get("format") == "date-time":
        return "date_iso8601"
    if len(types) == 1:
        (only,) = types
        return {
            "integer": "integer",
            "number": "decimal",
            "boolean": "boolean",
            "object": "object",
            "array": "array",
        }.get(only, "string")
    if types == {"integer", "number"}:
        return "decimal"
    return "string"


def label(name: str, prop: Prop) -> str:
    if title := prop.get("title"):
        return str(title)
    words = [ACRONYMS.get(word, word) for word in name.rsplit(".", 1)[-1].split("_")]
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def holds_secret(prop: Prop) -> bool:
    """A secret, or a structure with a secret inside (each `stores` entry has a token)."""
    if prop.get("secret"):
        return True
    nested = [*(prop.get("properties") or {}).values(), *_alternatives(prop)]
    if isinstance(prop.get("items"), dict):
        nested.append(prop["items"])
    return any(holds_secret(sub) for sub in nested)


def flattens(prop: Prop) -> bool:
    """Whether an object setting is offered as one setting per leaf (`batch_config.storage.root`).

    Objects with declared properties and no schema for other keys are structured
    options (batch, faker): Meltano nests dotted names back into the object. Objects
    keyed by the user's own names (`stream_maps`: stream names) stay one `object`.
    """
    return (
        "object" in json_types(prop)
        and bool(prop.get("properties"))
        and not isinstance(prop.get("additionalProperties"), dict)
    )


def setting(name: str, prop: Prop, *, required: bool) -> dict[str, t.Any]:
    entry: dict[str, t.Any] = {
        "name": name,
        "kind": kind(prop),
        "label": label(name, prop),
        "description": " ".join(str(prop.get("description", "")).split()),
    }
    if holds_secret(prop):
        entry["sensitive"] = True
    if required:
        entry["required"] = True
    if "default" in prop:
        entry["value"] = prop["default"]
    if entry["kind"] == "options":
        entry["options"] = [
            {"label": str(value), "value": value} for value in prop["enum"] if value is not None
        ]
    return entry


def settings_from(schema: Prop, prefix: str = "") -> list[dict[str, t.Any]]:
    """One Meltano setting per property (per leaf of structured objects), in schema order."""
    required = set(schema.get("required", []))
    result: list[dict[str, t.Any]] = []
    for name, prop in (schema.get("properties") or {}).items():
        full = prefix + name
        if flattens(prop):
            result += settings_from(prop, f"{full}.")
        else:
            result.append(setting(full, prop, required=name in required and not prefix))
    return result


def settings() -> list[dict[str, t.Any]]:
    """Every setting the tap accepts, as Meltano setting definitions."""
    return settings_from(about_schema())
