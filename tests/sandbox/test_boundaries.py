"""Package boundaries: the tap never imports the sandbox, the sandbox imports nothing
else from the tap, and the sandbox never reads the reference specs at runtime."""

from __future__ import annotations

import ast
from pathlib import Path

import tap_bigcommerce

PACKAGE = Path(tap_bigcommerce.__file__).parent
SANDBOX = PACKAGE / "sandbox"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_sandbox_imports_only_itself_from_the_tap() -> None:
    for path in SANDBOX.rglob("*.py"):
        for name in _imports(path):
            if name.startswith("tap_bigcommerce"):
                assert name.startswith("bigcommerce_sandbox"), (path, name)


def test_tap_never_imports_the_sandbox() -> None:
    for path in PACKAGE.rglob("*.py"):
        if SANDBOX in path.parents:
            continue
        assert not any(n.startswith("bigcommerce_sandbox") for n in _imports(path)), path


def test_sandbox_does_not_read_reference_specs() -> None:
    for path in SANDBOX.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "bigcommerce-api" not in text, path
        assert "/shared" not in text, path
