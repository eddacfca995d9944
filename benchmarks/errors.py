"""The one failure the benchmark reports instead of figures.

A run that fails, or that loses records, makes every figure meaningless: it is raised as
``BenchError`` from wherever it is found, and the command line turns it into a message and
a non-zero exit (a missed target is not an error: it is a mark in the table).
"""

from __future__ import annotations


class BenchError(RuntimeError):
    """A failure that makes the figures meaningless: the tap failed or lost records."""
