"""What a figure is: a measurement with its own options, store sizes and rows of the table.

A figure module defines one ``Figure``; ``benchmarks.figures`` lists them, and the command
line, the JSON file and the table follow that list. A figure's ``run`` returns a JSON
object (saved under its ``name`` in ``results.json``) and ``rows`` turns that object back
into table rows, so ``--from-json`` renders a saved run without running anything. Rows
are numbered, and the table is ordered by number: a figure may add a row after the others
(the wall-time run's 429s are row 5).
"""

from __future__ import annotations

import argparse
import dataclasses
import typing as t
from pathlib import Path

Result = dict[str, t.Any]


class Row(t.NamedTuple):
    """One line of the table: what was measured, the bound and ratio, the target and verdict."""

    number: int
    figure: str
    measured: str
    bound: str
    target: str

    def cells(self) -> tuple[str, str, str, str]:
        return (f"{self.number}. {self.figure}", self.measured, self.bound, self.target)


@dataclasses.dataclass(frozen=True)
class Context:
    """What a figure's run gets: the parsed options, the profile and a scratch directory."""

    args: argparse.Namespace
    workdir: Path

    @property
    def quick(self) -> bool:
        return bool(self.args.quick)

    @property
    def max_workers(self) -> int | None:
        return t.cast("int | None", self.args.max_workers)

    def pick(self, full: t.Any, quick: t.Any) -> t.Any:
        """The full run's value, or the smoke run's with ``--quick``."""
        return quick if self.quick else full


def mark(ok: bool) -> str:
    """The verdict after a target: met or missed (a miss does not fail the run)."""
    return "✓" if ok else "✗"


def thousands(n: int) -> str:
    return f"{n // 1000:,}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}"


def store_shape(store: t.Mapping[str, int]) -> str:
    """A store's size as the table names it: ``10k orders, 2k products, 5k customers``."""
    return ", ".join(f"{thousands(store[k])} {k}" for k in ("orders", "products", "customers"))


@dataclasses.dataclass(frozen=True)
class Figure:
    """One figure: ``name`` is its ``--only`` choice and its key in ``results.json``."""

    name: str
    run: t.Callable[[Context], Result]
    rows: t.Callable[[Result], list[Row]]
    #: Adds the figure's own command-line options (``--cpu-streams``).
    options: t.Callable[[argparse.ArgumentParser], None] | None = None
    #: Lines printed under the table with ``--verbose``.
    details: t.Callable[[Result], list[str]] | None = None
