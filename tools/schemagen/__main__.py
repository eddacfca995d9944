"""``python -m tools.schemagen [--spec-dir DIR] [--out-dir DIR] [--check]``."""

import sys

from tools.schemagen.generate import main

sys.exit(main())
