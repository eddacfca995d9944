"""The report of a run: the table (terminal and README), the machine line and the JSON file.

Rows come from each figure's ``rows`` (``benchmarks.figures``), fed with what the figure
saved, so a saved ``results.json`` renders the same table as the run that wrote it. The
README holds the table between ``<!-- BEGIN bench -->`` and ``<!-- END bench -->``; the prose
around it, what each figure measures, is written in the README itself.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import re
import subprocess
import typing as t
from pathlib import Path

import msgspec

from benchmarks.errors import BenchError
from benchmarks.figure import Result, Row
from benchmarks.figures import FIGURES

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN, END = "<!-- BEGIN bench -->", "<!-- END bench -->"


def machine() -> dict[str, t.Any]:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    commit_id = commit.stdout.strip() or "unknown"
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "tap_bigcommerce"], capture_output=True, text=True
    ).stdout.strip()
    if dirty:
        commit_id += " with uncommitted changes"
    spec = importlib.util.find_spec("tap_bigcommerce")
    origin = Path(spec.origin).parent.parent if spec and spec.origin else None
    if origin is not None and origin != ROOT:
        commit_id = f"the tap in {origin}"
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "commit": commit_id,
    }


def table(results: Result) -> list[Row]:
    """The rows of every figure in ``results``, in row-number order."""
    rows = [row for f in FIGURES if results.get(f.name) for row in f.rows(results[f.name])]
    return sorted(rows, key=lambda row: row.number)


def markdown(results: Result) -> str:
    m = results["machine"]
    lines = [
        "| Figure | Measured | Bound, ratio | Target |",
        "|:--|--:|--:|:--|",
        *("| {} | {} | {} | {} |".format(*row.cells()) for row in table(results)),
        "",
        f"Measured by `make bench{' BENCH_ARGS=--quick' if results['quick'] else ''}` on "
        f"{m['cpu']}, {m['cores']} cores, Python {m['python']}, commit {m['commit']}, "
        f"{results['date']}." + (f" {results['note']}" if results.get("note") else ""),
    ]
    return "\n".join(lines)


def print_table(results: Result, verbose: bool) -> None:
    rows = [row.cells() for row in table(results)]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    m = results["machine"]
    print(f"{m['cpu']}, {m['cores']} cores, Python {m['python']}, commit {m['commit']}")
    if verbose:
        for figure in FIGURES:
            if figure.details is not None and results.get(figure.name):
                print("\n".join(figure.details(results[figure.name])))


def with_table(readme: str, text: str) -> str:
    """``readme`` with ``text`` between the bench markers.

    The prose around the table (what each figure measures) is the README's own, edited
    there; a README without the markers is an error, not a place to guess where they go.
    """
    if BEGIN not in readme or END not in readme:
        raise BenchError(f"README.md has no {BEGIN} ... {END} markers to put the table between")
    block = f"{BEGIN}\n{text}\n{END}"
    pattern = re.escape(BEGIN) + ".*?" + re.escape(END)
    return re.sub(pattern, lambda _: block, readme, count=1, flags=re.S)


def update_readme(results: Result) -> None:
    README.write_text(with_table(README.read_text(), markdown(results)))
    print("README.md updated")


def read_json(path: Path) -> Result:
    return t.cast("Result", msgspec.json.decode(path.read_bytes()))


def write_json(results: Result, path: Path) -> None:
    path.write_bytes(msgspec.json.format(msgspec.json.encode(results), indent=2) + b"\n")
