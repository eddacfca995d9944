"""The README's first command: a sandbox store synced into JSONL files through Meltano.

Starts `bigcommerce-sandbox`, runs `meltano run tap-bigcommerce target-jsonl`
(a full sync), edits and creates some records in the store, runs again (an
incremental sync from Meltano's stored state), prints what each run loaded and
where the files are, then stops the sandbox.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "output"
SANDBOX = Path(sys.executable).with_name("bigcommerce-sandbox")
WINDOW_LAG_SECONDS = 30


def admin(base_url: str, path: str, body: dict[str, object]) -> object:
    request = urllib.request.Request(  # noqa: S310 (the sandbox, on loopback)
        f"{base_url}/__admin{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return json.loads(response.read() or b"null")


def count_records() -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in sorted(OUTPUT.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            counts[path.stem] = sum(1 for line in handle if line.strip())
    return counts


def meltano(executable: str, *args: str, env: dict[str, str]) -> None:
    print(f"$ meltano {' '.join(args)}", flush=True)
    subprocess.run([executable, *args], cwd=REPO, env=env, check=True)


def print_table(title: str, counts: Counter[str]) -> None:
    print(f"\n{title}")
    print(f"  {'stream':<28}{'records':>10}")
    for stream, count in sorted(counts.items()):
        print(f"  {stream:<28}{count:>10}")
    print(f"  {'total':<28}{sum(counts.values()):>10}\n", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meltano", default="meltano", help="the meltano executable")
    args = parser.parse_args()

    sandbox = subprocess.Popen(
        [
            str(SANDBOX),
            "--port",
            "0",
            "--seed",
            "7",
            "--orders",
            "1200",
            "--products",
            "300",
            "--customers",
            "500",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sandbox.stdout is not None
        ready = json.loads(sandbox.stdout.readline())
        print(f"Sandbox store {ready['store_hash']} serving at {ready['api_url']}")
        env = {
            **os.environ,
            "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
            "TAP_BIGCOMMERCE_STORE_HASH": ready["store_hash"],
            "TAP_BIGCOMMERCE_API_URL": ready["api_url"],
            "TAP_BIGCOMMERCE_ACCESS_TOKEN": ready["access_token"],
            "TAP_BIGCOMMERCE_WINDOW_LAG_SECONDS": str(WINDOW_LAG_SECONDS),
            "TARGET_JSONL_DESTINATION_PATH": str(OUTPUT),
        }
        meltano(args.meltano, "install", env=env)

        shutil.rmtree(OUTPUT, ignore_errors=True)
        OUTPUT.mkdir()
        meltano(args.meltano, "run", "--full-refresh", "tap-bigcommerce", "target-jsonl", env=env)
        first = count_records()
        print_table("Full sync: records loaded per stream", first)

        base = ready["api_url"]
        store = ready["store_hash"]
        for resource in ("orders", "products", "customers"):
            admin(base, f"/stores/{store}/{resource}/edit", {"count": 20})
            admin(base, f"/stores/{store}/{resource}/create", {"count": 5})
        # The tap reads up to the store's clock minus the window lag; move the
        # sandbox clock past it so the edits just made are inside the next window.
        admin(base, "/clock", {"advance_seconds": WINDOW_LAG_SECONDS + 1})
        print("Edited 20 and created 5 orders, products and customers in the store.")

        meltano(args.meltano, "run", "tap-bigcommerce", "target-jsonl", env=env)
        second = count_records() - first
        print_table("Incremental sync (from Meltano's state): records loaded per stream", second)
        print(f"The JSONL files are in {OUTPUT}/ (one file per stream).")
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
