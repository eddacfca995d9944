"""The benchmark's report: the README's table is what the committed results render.

``make bench --update-readme`` writes ``benchmarks/results.json`` and the README table
together; a figure whose rows change shape, or a README edited by hand, fails here. The
figures themselves are run by ``make bench`` (never timed in tests); their request model
is tested in ``test_request_cost``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.cli import default_results, parser
from benchmarks.errors import BenchError
from benchmarks.figures import FIGURES
from benchmarks.report import BEGIN, END, markdown, read_json, with_table

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results.json"


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ")]


def test_the_readme_table_is_what_results_json_renders() -> None:
    readme = (REPO / "README.md").read_text()
    block = readme[readme.index(BEGIN) + len(BEGIN) : readme.index(END)]
    assert table_rows(block) == table_rows(markdown(read_json(RESULTS)))


def test_from_json_prints_every_figure_of_a_saved_run() -> None:
    result = bench("--from-json", str(RESULTS))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    numbers = [line.split(".", 1)[0] for line in lines if line[:1].isdigit()]
    saved = json.loads(RESULTS.read_text())
    expected = [
        str(row.number)
        for figure in FIGURES
        if figure.name in saved
        for row in figure.rows(saved[figure.name])
    ]
    assert len(expected) >= 6, "the committed results hold every figure of a full run"
    assert numbers == sorted(expected, key=int)  # the table lists rows by number
    assert any("minimum" in line for line in lines)


def test_a_missing_results_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = bench("--from-json", str(tmp_path / "absent.json"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"benchmark: cannot read results from {tmp_path / 'absent.json'}: No such file or directory"
    ]


def test_a_readme_without_the_table_markers_is_a_one_line_error() -> None:
    expected = f"README.md has no {BEGIN} ... {END} markers to put the table between"
    with pytest.raises(BenchError) as raised:
        with_table("# A README\n\n## Performance\n\nNo table here.\n", "| row |")
    assert str(raised.value) == expected


def test_the_table_replaces_only_what_is_between_the_markers() -> None:
    readme = f"intro\n{BEGIN}\n| old |\n{END}\nafter\n"
    assert with_table(readme, "| new |") == f"intro\n{BEGIN}\n| new |\n{END}\nafter\n"


def test_a_partial_run_cannot_rewrite_the_readme_table() -> None:
    result = bench("--only", "requests", "--update-readme")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith("--update-readme writes the whole table: run every figure (drop --only)")
    )


def test_partial_and_quick_runs_leave_the_committed_results_alone() -> None:
    args = parser().parse_args
    assert default_results(args([])) == RESULTS
    assert default_results(args(["--quick"])).name == "results-quick.json"
    assert default_results(args(["--only", "quota"])).name == "results-only.json"
