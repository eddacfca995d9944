"""The command line of ``make bench``: options, the figures to run, where the results go.

It owns what is common to every run (a scratch directory, the machine line, the JSON file,
the README) and leaves each measurement to its figure (``benchmarks.figures``), which may
add options of its own. ``--from-json`` runs nothing: it renders a saved results file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
import typing as t
from pathlib import Path

import benchmarks
from benchmarks.errors import BenchError
from benchmarks.figure import Context
from benchmarks.figures import FIGURES
from benchmarks.report import (
    ROOT,
    machine,
    print_table,
    read_json,
    update_readme,
    write_json,
)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=benchmarks.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="small stores: a smoke run")
    p.add_argument(
        "--verbose", action="store_true", help="per-endpoint requests, actual vs minimum"
    )
    p.add_argument("--update-readme", action="store_true", help="write the table into README.md")
    p.add_argument(
        "--json",
        type=Path,
        help="where to write the results (default benchmarks/results[-quick].json)",
    )
    p.add_argument(
        "--only",
        choices=[f.name for f in FIGURES],
        action="append",
        help="run only these figures",
    )
    p.add_argument("--max-workers", type=int, help="the tap's max_workers (default: the tap's own)")
    for figure in FIGURES:
        if figure.options is not None:
            figure.options(p)
    p.add_argument(
        "--from-json",
        type=Path,
        help="run nothing: print (and with --update-readme write) the table of a results file",
    )
    p.add_argument("--note", help="a remark for the README footer (e.g. which checkout ran)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (tap output, logs)")
    return p


def default_results(args: argparse.Namespace) -> Path:
    """Where a run's results go unless ``--json`` says: a partial or quick run never
    overwrites the committed ``results.json``, which the README table renders."""
    name = "results-quick.json" if args.quick else "results.json"
    if args.only:
        name = "results-only.json"
    return ROOT / "benchmarks" / name


def main(argv: t.Sequence[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.only and args.update_readme and not args.from_json:
        p.error("--update-readme writes the whole table: run every figure (drop --only)")
    if args.from_json:
        try:
            saved = read_json(args.from_json)
        except (OSError, ValueError) as exc:  # msgspec.DecodeError is a ValueError
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            print(
                f"benchmark: cannot read results from {args.from_json}: {reason}", file=sys.stderr
            )
            return 2
        if args.note:
            saved["note"] = args.note
        print_table(saved, args.verbose)
        if args.update_readme:
            update_readme(saved)
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="tap-bench-"))
    ctx = Context(args, workdir)
    results: dict[str, t.Any] = {
        "quick": args.quick,
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "max_workers": args.max_workers,
        "note": args.note,
    }
    started = time.perf_counter()
    try:
        by_name = {f.name: f for f in FIGURES}
        for figure in [by_name[name] for name in args.only or by_name]:
            t0 = time.perf_counter()
            print(f"[{figure.name}] ...", file=sys.stderr, flush=True)
            results[figure.name] = figure.run(ctx)
            print(f"[{figure.name}] {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        print(f"logs kept in {workdir}", file=sys.stderr)
        return 1
    results["bench_s"] = time.perf_counter() - started
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    out = args.json or default_results(args)
    write_json(results, out)
    print_table(results, args.verbose)
    print(f"results: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if args.update_readme:
        update_readme(results)
    return 0
