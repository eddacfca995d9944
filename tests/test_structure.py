"""The tap's structure, as the architecture promises it (DESIGN §1).

* Imports run one way: no import circle among the tap's modules, counting the imports
  made only for type checking (a circle there is one a refactor closes for real).
* No module of the tap over 400 lines (the generated schemas are data, not modules).
* Every contact with a private member of singer-sdk is in `sdk_seam`.
* The wheel holds the tap only: no sandbox, no schema generator.
"""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import singer_sdk
from singer_sdk import Tap
from singer_sdk.streams import Stream
from singer_sdk.streams._state import StreamStateManager

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "tap_bigcommerce"
MAX_LINES = 400
SEAM = "tap_bigcommerce.sdk_seam"


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The tap modules `name` imports, at run time or under TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    result = set()
    for target in targets:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            result.add(target)
    return result


def test_no_import_circle_among_the_taps_modules() -> None:
    found = modules()
    graph = {name: imported_modules(name, path, set(found)) for name, path in found.items()}
    # A package's __init__ importing its own modules is not a circle through them.
    for name in graph:
        graph[name] = {d for d in graph[name] if not (name.startswith(d + ".") and d in found)}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> None:
        if node in done:
            return
        if node in visiting:
            cycle = [*visiting[visiting.index(node) :], node]
            pytest.fail("import circle: " + " -> ".join(cycle))
        visiting.append(node)
        for dependency in sorted(graph[node]):
            visit(dependency)
        visiting.pop()
        done.add(node)

    for name in sorted(graph):
        visit(name)


def test_no_module_of_the_tap_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(REPO)): count
        for path in modules().values()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long


def sdk_private_members() -> set[str]:
    """Names of the private members of the SDK classes the tap builds on."""
    names: set[str] = set()
    for cls in (Stream, Tap, StreamStateManager, *Tap.__mro__):
        for member in vars(cls):
            if member.startswith("_") and not member.startswith("__"):
                names.add(member)
    # The stream's state manager is reachable publicly; what hangs from it is not API.
    public_stream = {name for name in dir(Stream) if not name.startswith("_")}
    for name, _ in inspect.getmembers(StreamStateManager):
        if not name.startswith("_") and name not in public_stream:
            names.add(name)
    return (names | {"is_flushed"}) - {"_abc_impl"}


def test_sdk_private_members_are_touched_in_the_seam_only() -> None:
    private = sdk_private_members()
    offenders: dict[str, list[str]] = {}
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in private:
                found.append(f"{node.lineno}: .{node.attr}")
            elif (
                isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("singer_sdk")
                and any(part.startswith("_") for part in (node.module or "").split("."))
            ):
                found.append(f"{node.lineno}: from {node.module}")
        if found and name != SEAM:
            offenders[name] = found
    assert not offenders, offenders
    seam = modules()[SEAM].read_text(encoding="utf-8")
    assert "._write_record_message(" in seam  # the check sees what the seam does
    assert singer_sdk.__name__ == "singer_sdk"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    uv = REPO / ".uv-venv" / "bin" / "uv"
    command = [str(uv), "build", "--wheel", "--out-dir", str(out), str(REPO)]
    if not uv.exists():
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(REPO)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    (built,) = out.glob("tap_bigcommerce_sdk-*.whl")
    return built


def test_the_wheel_holds_the_tap_only(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("tap_bigcommerce/streams/") for n in names)
    assert any(n.startswith("tap_bigcommerce/schemas/json/orders.json") for n in names)
    assert not [n for n in names if "sandbox" in n or "schemagen" in n or n.startswith("tools/")]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    scripts = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "tap-bigcommerce =" in scripts
    assert "sandbox" not in scripts
