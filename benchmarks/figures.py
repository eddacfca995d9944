"""The figures of ``make bench``, in the order they run (and ``--only`` offers them).

Adding a figure is a module defining its ``FIGURE`` (``benchmarks.figure.Figure``) and one
line here; the command line, ``results.json`` and the table pick it up from this list.
"""

from __future__ import annotations

from benchmarks import (
    figure_deletes,
    figure_memory,
    figure_quota,
    figure_requests,
    figure_resume,
    figure_throughput,
    figure_wall,
)
from benchmarks.figure import Figure

FIGURES: tuple[Figure, ...] = (
    figure_requests.FIGURE,
    figure_wall.FIGURE,
    figure_throughput.FIGURE,
    figure_memory.FIGURE,
    figure_quota.FIGURE,
    figure_resume.FIGURE,
    figure_deletes.FIGURE,
)
