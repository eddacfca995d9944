"""The config as it arrives: files that must parse, secrets never echoed, names checked.

The SDK reads `--config` files and validates them against the settings' JSON Schema.
A file that is not JSON, is empty or is a directory ends there in a traceback; a
secret of the wrong type is echoed in the schema error it causes; a misspelt setting
is silently ignored. This module handles each before the SDK sees the config: one line
naming the setting or file and the fix, and the value of a secret never shown.
"""

from __future__ import annotations

import difflib
import json
import typing as t
from collections.abc import Iterable, Mapping
from pathlib import Path

from singer_sdk.exceptions import ConfigValidationError

Fail = t.Callable[[str], t.NoReturn]


def read_config_file(path: str) -> dict[str, t.Any]:
    """One `--config` file's settings, or ConfigValidationError saying what is wrong with it."""
    where = Path(path)
    problem = ""
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        problem = "does not exist"
    except IsADirectoryError:
        problem = "is a directory, not a JSON file"
    except (OSError, UnicodeDecodeError) as exc:
        problem = f"cannot be read ({type(exc).__name__})"
    else:
        if not text.strip():
            problem = "is empty; it must hold a JSON object of settings"
        else:
            try:
                loaded = json.loads(text)
            except json.JSONDecodeError as exc:
                problem = f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
            else:
                if isinstance(loaded, dict):
                    return loaded
                problem = f"holds a JSON {type(loaded).__name__}, not an object of settings"
    message = f"--config {path}: the file {problem}."
    raise ConfigValidationError(message, errors=[message])


def check_secret_types(config: Mapping[str, t.Any], secrets: Iterable[str]) -> None:
    """Fail on a secret setting that is not text, without showing its value."""
    names = set(secrets)
    places: list[tuple[str, Mapping[str, t.Any]]] = [("", config)]
    stores = config.get("stores")
    if isinstance(stores, list):
        places += [(f"stores[{i}].", s) for i, s in enumerate(stores) if isinstance(s, dict)]
    problems = [
        f"{prefix}{name}: must be text (a string); its value is not shown, as it is secret."
        for prefix, place in places
        for name in sorted(names & set(place))
        if place[name] is not None and not isinstance(place[name], str)
    ]
    if problems:
        raise ConfigValidationError("Config validation failed", errors=problems)


def secret_values(config: Mapping[str, t.Any], secrets: Iterable[str]) -> list[str]:
    """Every secret's value as text, top level and per store, to mask in logs."""
    names = set(secrets)
    places = [config, *(s for s in config.get("stores") or () if isinstance(s, dict))]
    values: list[str] = []
    for place in places:
        for name in names & set(place):
            value = place[name]
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                values.append(str(value))
            elif isinstance(value, list | dict):
                items = value if isinstance(value, list) else list(value.values())
                values.extend(str(item) for item in items)
    return values


def unknown_settings(config: Mapping[str, t.Any], known: Iterable[str]) -> list[str]:
    """A warning per setting the tap does not know, with the closest known name."""
    names = sorted(set(known))
    warnings = []
    for name in sorted(set(config) - set(names)):
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        warnings.append(f"Setting `{name}` is not a setting of this tap; it is ignored.{hint}")
    return warnings
