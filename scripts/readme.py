"""Render the README's reference tables from the code.

The settings and capabilities come from `tap-bigcommerce --about --format=markdown`,
the streams table from the stream classes. Each lives between marker comments; the
test suite fails when the committed README differs. Run: `python scripts/readme.py`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
TAP = Path(sys.executable).with_name("tap-bigcommerce")


def about_sections() -> str:
    """The Capabilities and Settings sections of the SDK's markdown `--about`."""
    about = subprocess.run(
        [str(TAP), "--about", "--format=markdown"], capture_output=True, text=True, check=True
    ).stdout
    keep = []
    for section in re.split(r"(?m)^## ", about)[1:]:
        title = section.splitlines()[0].strip()
        if title in ("Capabilities", "Settings"):
            keep.append("### " + section.rstrip() + "\n")
    return "\n".join(keep)


def streams_table() -> str:
    from tap_bigcommerce.streams import STREAM_TYPES

    rows = [
        "| Stream | Endpoint | Primary key | Replication | Parent | Requests per run | Scope |",
        "|:--|:--|:--|:--|:--|:--|:--|",
    ]
    for stream in STREAM_TYPES:
        parent_type = stream.parent_stream_type
        key = getattr(stream.pager, "replication_key", None)
        if key:
            replication = f"incremental (`{key}`)"
        elif parent_type is not None:
            replication = (
                "with its parent (changed parents only)"
                if getattr(parent_type.pager, "replication_key", None)
                else "with its parent"
            )
        else:
            replication = "full table"
        if not stream.selected_by_default:
            replication += ", not selected by default"
        parent = parent_type.name if parent_type else getattr(stream.pager, "parent_name", "")
        keys = ", ".join(stream.primary_keys)
        cost = stream.cost or stream.pager.cost
        rows.append(
            f"| `{stream.name}` | `{stream.path}` | {keys} | {replication} | {parent} "
            f"| {cost} | `{stream.scope}` |"
        )
    return "\n".join(rows) + "\n"


def deletes_table() -> str:
    """Which streams capture deletes, and how (`reading.sweep` declarations)."""
    from tap_bigcommerce.reading.deleted import WithDeleted
    from tap_bigcommerce.reading.sweep import sweep_of
    from tap_bigcommerce.streams import STREAM_TYPES

    rows = ["| Stream | Deletes found by |", "|:--|:--|"]
    for stream in STREAM_TYPES:
        sweep = sweep_of(stream)
        if isinstance(stream.pager, WithDeleted):
            how = "`is_deleted=true`, a second pass over each window (`is_deleted: true`)"
        elif sweep is None:
            continue
        elif getattr(stream, "deletes", None) is not sweep:
            how = f"its parent's sweep (embedded in `{stream.parent_stream_type.name}`)"
        elif sweep.full_read:
            how = "its full read, every run (0 extra requests)"
        else:
            how = "an id sweep every `deletes_sweep_interval_hours` (1 request per 250 records)"
        rows.append(f"| `{stream.name}` | {how} |")
    return "\n".join(rows) + "\n"


def render(text: str) -> str:
    sections = (
        ("about", about_sections()),
        ("streams", streams_table()),
        ("deletes", deletes_table()),
    )
    for name, body in sections:
        begin, end = f"<!-- BEGIN {name} (scripts/readme.py) -->\n", f"<!-- END {name} -->"
        start = text.index(begin) + len(begin)
        text = text[:start] + body + text[text.index(end) :]
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if README.md is stale")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    fresh = render(text)
    if args.check:
        if fresh != text:
            print("README.md is stale: run python scripts/readme.py")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
