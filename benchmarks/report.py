"""The report of a run: the table (terminal and README), the machine line and the JSON file.

Rows come from each figure's ``rows`` (``benchmarks.figures``), fed with what the figure
saved, so a saved ``results.json`` renders the same table as the run that wrote it. The
README holds the table between ``<!-- BEGIN bench -->`` and ``<!-- END bench -->``; a README
without those markers gets a Performance section before "The sandbox store".
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


PERFORMANCE_INTRO = """\
`make bench` runs the tap against the sandbox store and sets each figure against a bound
measured or computed in the same run (`BENCH_ARGS=--quick` for a smoke run with small stores,
`--verbose` for requests per endpoint, `--update-readme` to rewrite this table). Store sizes
are in the table; every run selects all streams unless the table names how many.

1. **Requests** of a full sync, then of an incremental sync after 1% of the orders, products
   and customers changed, against the minimum the API allows, computed from the sandbox's
   ground truth by the model the tests check (`benchmarks/minimum.py`): one request per 250
   records in the window for each list (per 10 for products with options and modifiers), one
   per parent for endpoints that exist only per parent, one per single object (`/v2/time`,
   `/v2/store`).
2. **Wall time** of a full sync with 200 ms latency and the Pro rate (450 requests per 30 s,
   shortened to 45 per 3 s), with `rate_limit_reserve: 0`, against the quota-bound minimum:
   requests / quota x window.
3. **CPU throughput** with no latency and no quota: records per second of the whole tap
   process (start-up included) for the large streams (orders, products and customers with
   their embedded children), against msgspec alone decoding the same pages and encoding the
   same RECORD lines. The timed syncs follow an untimed one, so the sandbox serves its pages
   from cache instead of rendering them on the cores the tap runs on. The tap and the
   ceiling are timed alternately, five times each, and the medians compared: on a shared
   machine single timings drift by 10-20%.
4. **Peak RSS** of the tap process (its own high-water mark, `VmHWM`) for full syncs of the
   `orders` stream of stores with 100k and 400k orders: at most 200 MB, and flat (the larger
   within 10% of the smaller).
5. **429s** of run 2 after its first rate-limit window.

Where the CPU goes: list pages are decoded by msgspec straight into Structs generated from the
stream schemas, so leaving out undeclared properties and checking text and boolean fields happen
inside the decoder; the few fields a store sends in another type (a number in a text field) are
learnt on the first page that has them and fixed after decoding; dates are rewritten in Python.
Records are written to stdout from the Structs, in large chunks flushed at each STATE message.
Around that: response bodies are read in one call, the command keeps freed memory for reuse
(glibc's `mallopt`; pages are megabytes allocated and freed over and over) and exits without
tearing the interpreter down once its output is flushed.

The JSON behind the table, with the requests per endpoint, is `benchmarks/results.json`
(committed with the table; `--quick` writes `results-quick.json`, not committed).
"""


def with_table(readme: str, text: str) -> str:
    """``readme`` with ``text`` between the bench markers (the section is added if missing)."""
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in readme and END in readme:
        pattern = re.escape(BEGIN) + ".*?" + re.escape(END)
        return re.sub(pattern, lambda _: block, readme, count=1, flags=re.S)
    anchor = "## The sandbox store"
    if anchor not in readme:
        raise BenchError("README has no '## The sandbox store' section to put the table before")
    section = f"## Performance\n\n{PERFORMANCE_INTRO}\n{block}\n\n"
    return readme.replace(anchor, section + anchor, 1)


def update_readme(results: Result) -> None:
    README.write_text(with_table(README.read_text(), markdown(results)))
    print("README.md updated")


def read_json(path: Path) -> Result:
    return t.cast("Result", msgspec.json.decode(path.read_bytes()))


def write_json(results: Result, path: Path) -> None:
    path.write_bytes(msgspec.json.format(msgspec.json.encode(results), indent=2) + b"\n")
