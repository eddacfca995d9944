"""``python -m benchmarks``: the benchmark's command line (``benchmarks.cli``)."""

import sys

from benchmarks.cli import main

sys.exit(main())
