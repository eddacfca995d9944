"""The tap's benchmark: requests, wall time, CPU throughput, memory and 429s, each as a ratio.

Run: ``make bench`` (about 15 minutes on 2 cores with the tap as of this writing),
``make bench BENCH_ARGS=--quick`` (a smoke run, under 2 minutes), or ``.venv/bin/python -m
benchmarks [--quick] [--verbose] [--update-readme] [--max-workers N] [--json PATH]
[--only FIGURE] [--from-json PATH]``.

Every figure is measured against the sandbox store (``bigcommerce-sandbox``), started as its
own process so its CPU is not the tap's, and compared with a bound measured or computed in
the same run: requests against the minimum the API allows (``figure_requests``, with the
model in ``minimum``), wall time against the quota-bound minimum and the 429s of that run
(``figure_wall``), CPU throughput against msgspec alone on the same pages
(``figure_throughput``), and peak RSS against a fixed ceiling and a smaller store
(``figure_memory``). Each figure module's opening paragraph says how it is measured.

The tap runs inside a small wrapper process (``taprun``), so its peak RSS is its own and
the URLs it requests can be recorded. The figures are printed as a table (a missed target
is marked ✗; it does not fail the run) and written as JSON (``report``). The run exits
non-zero only on errors: a tap that fails, or a record of a parent stream (one backed by a
store table) that the ground truth has and the tap did not emit (``completeness``).
"""
