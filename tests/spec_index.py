"""What BigCommerce's official specs allow a GET to send: its query parameters and their values.

A parameter the API does not document may be ignored by the real store (a filter that
silently filters nothing reads the whole table, or worse, a window's records are taken
for all of them), and the sandbox would not notice. The test of the tap's requests
checks every request of a full sync against this index, built from the specs in
`../shared/bigcommerce-api/reference/` (tests may read them; the tap never does).
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from tools.schemagen.generate import Specs, default_spec_dir


@dataclass
class Operation:
    """One documented GET: where it is declared and the query parameters it takes."""

    spec: str
    template: str
    params: dict[str, list[t.Any] | None] = field(default_factory=dict)
    """Each parameter's allowed values (its enum), or None when any value of its type goes."""
    directional: set[str] = field(default_factory=set)
    """Parameters whose description allows `:asc`/`:desc` after an enum value (v2 `sort`)."""
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", self.template) + "$")


def _version(doc: t.Mapping[str, t.Any]) -> str:
    servers = doc.get("servers") or []
    url = servers[0].get("url", "") if servers else doc.get("basePath", "")
    found = re.search(r"/(v[23])/?$", url)
    return found.group(1) if found else ""


def _enum(specs: Specs, schema: t.Any, base: Path) -> list[t.Any] | None:
    schema, base = specs.deref(schema, base)
    if not isinstance(schema, dict):
        return None
    if "enum" in schema:
        return list(schema["enum"])
    if schema.get("type") == "array":
        return _enum(specs, schema.get("items"), base)
    return None


def _query_params(specs: Specs, declared: list[t.Any], base: Path) -> Operation:
    operation = Operation(spec="", template="")
    for raw in declared:
        param, where = specs.deref(raw, base)
        if not isinstance(param, dict) or param.get("in") != "query":
            continue
        schema = param.get("schema", param)  # OAS 3 nests it; Swagger 2 inlines it
        operation.params[param["name"]] = _enum(specs, schema, where)
        if ":asc" in str(param.get("description", "")):
            operation.directional.add(param["name"])
    return operation


def load_operations(spec_dir: Path | None = None) -> list[Operation]:
    """Every GET of every spec, its path prefixed with the API version (`/v3/...`)."""
    root = (spec_dir or default_spec_dir()).resolve()
    specs = Specs(root)
    operations: list[Operation] = []
    for file in sorted([*root.rglob("*.yml"), *root.rglob("*.yaml")]):
        doc = specs.doc(file)
        if not isinstance(doc, dict) or "paths" not in doc:
            continue
        version = _version(doc)
        for path, item in (doc.get("paths") or {}).items():
            if not isinstance(item, dict) or "get" not in item:
                continue
            declared = [*(item.get("parameters") or []), *(item["get"].get("parameters") or [])]
            found = _query_params(specs, declared, file)
            operations.append(
                Operation(
                    spec=str(file.relative_to(root)),
                    template=f"/{version}{path}",
                    params=found.params,
                    directional=found.directional,
                )
            )
    return operations


def operation_for(operations: list[Operation], path: str) -> Operation | None:
    """The documented GET a request path is, preferring a literal match over a template."""
    matches = [op for op in operations if op.pattern.match(path)]
    matches.sort(key=lambda op: op.template.count("{"))
    return matches[0] if matches else None


def undocumented(operation: Operation, params: t.Mapping[str, str]) -> list[str]:
    """The parameters (or values) of one request that its documented GET does not take."""
    problems = []
    for name, value in sorted(params.items()):
        if name not in operation.params:
            problems.append(f"parameter {name}")
            continue
        allowed = operation.params[name]
        if allowed is None:
            continue
        documented = [str(a) for a in allowed]
        directional = name in operation.directional
        if not all(_known(v, documented, directional=directional) for v in value.split(",")):
            problems.append(f"{name}={value} (allowed: {', '.join(map(str, allowed))})")
    return problems


def _known(value: str, documented: list[str], *, directional: bool) -> bool:
    """A sort named `field:dir` is documented with its direction (customers) or as the
    field alone, the direction being free (the parameter's description says so)."""
    bare = re.sub(r":(asc|desc)$", "", value) if directional else value
    return value in documented or bare in documented
