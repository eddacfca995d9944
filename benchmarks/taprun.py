"""Running the tap as a user does, in a wrapper that measures it: its records, state and peak RSS.

Each run is a child process that loads the ``tap-bigcommerce`` console-script entry point
and calls it, so the process's memory high-water mark is the tap's own and, when asked, the
URLs it requests (through urllib3, which requests uses) are recorded for the CPU figure's
ceiling. Standard output goes to a file, which is read back for record counts per stream,
the ids of chosen streams and the last STATE. A run that exits non-zero raises
``BenchError`` with the tail of its log.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import msgspec

from benchmarks.errors import BenchError

if t.TYPE_CHECKING:
    from benchmarks.sandbox import SandboxProcess

# Runs the tap's console-script entry point in this process, so that the process's memory
# high-water mark (VmHWM; ru_maxrss where /proc is missing) is the tap's own peak RSS;
# optionally records every URL the tap sends (through urllib3, which requests uses). Writes
# {"maxrss_kb": ...} and the URLs to the files named by argv.
WRAPPER = r"""
import atexit, json, resource, sys, threading
def peak_rss_kb():
    # ru_maxrss would include the peak of the benchmark process that spawned this one.
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
stats_path, urls_path = sys.argv[1], sys.argv[2]
sys.argv = ["tap-bigcommerce", *sys.argv[3:]]
urls = []
if urls_path:
    import urllib3.connectionpool as pool
    original = pool.HTTPConnectionPool.urlopen
    def urlopen(self, method, url, *args, **kwargs):
        urls.append(url)
        return original(self, method, url, *args, **kwargs)
    pool.HTTPConnectionPool.urlopen = urlopen
def report():
    with open(stats_path, "w") as fh:
        json.dump({"maxrss_kb": peak_rss_kb()}, fh)
    if urls_path:
        with open(urls_path, "w") as fh:
            fh.write("\n".join(urls))
# atexit handlers run last registered first: registered before the tap's own (its writer's
# flush), this one runs after them.
atexit.register(report)
from importlib.metadata import entry_points
(entry,) = entry_points(group="console_scripts", name="tap-bigcommerce")
entry.load()()
"""


class Line(msgspec.Struct):
    """One Singer message, decoded only as far as the benchmark reads it."""

    type: str
    stream: str = ""
    record: msgspec.Raw = msgspec.Raw(b"null")
    value: msgspec.Raw = msgspec.Raw(b"null")


class _Id(msgspec.Struct):
    """A record's ``id`` (a list for composite keys)."""

    id: t.Any = None


@dataclasses.dataclass
class TapRun:
    """What one run did: its wall time, peak RSS, records per stream, state and requests."""

    wall_s: float
    rss_mb: float
    records: dict[str, int]
    ids: dict[str, set[t.Any]]
    state: dict[str, t.Any]
    urls: list[str]
    output: Path | None


def run_tap(
    config: dict[str, t.Any],
    workdir: Path,
    *,
    label: str,
    state: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
    record_urls: bool = False,
    keep_output: bool = False,
    id_streams: t.Collection[str] = (),
) -> TapRun:
    """Run the tap once (stdout to a file), then count its records per stream."""
    folder = workdir / label
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_bytes(msgspec.json.encode(config))
    args = ["--config", str(folder / "config.json")]
    if state is not None:
        (folder / "state.json").write_bytes(msgspec.json.encode(state))
        args += ["--state", str(folder / "state.json")]
    if catalog is not None:
        (folder / "catalog.json").write_bytes(msgspec.json.encode(catalog))
        args += ["--catalog", str(folder / "catalog.json")]
    stats_path, urls_path = folder / "rusage.json", folder / "urls.txt"
    out_path = folder / "stdout.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_BIGCOMMERCE_")}
    cmd = [sys.executable, "-c", WRAPPER, str(stats_path), str(urls_path) if record_urls else ""]
    with out_path.open("wb") as out, (folder / "stderr.txt").open("wb") as err:
        start = time.perf_counter()
        rc = subprocess.run([*cmd, *args], stdout=out, stderr=err, env=env).returncode
        wall = time.perf_counter() - start
    if rc != 0:
        tail = (folder / "stderr.txt").read_text(errors="replace").splitlines()[-15:]
        raise BenchError(f"tap run '{label}' exited {rc}:\n" + "\n".join(tail))
    rss_kb = msgspec.json.decode((stats_path).read_bytes())["maxrss_kb"]
    records: dict[str, int] = {}
    ids: dict[str, set[t.Any]] = {s: set() for s in id_streams}
    last_state: msgspec.Raw | None = None
    line_decoder, id_decoder = msgspec.json.Decoder(Line), msgspec.json.Decoder(_Id)
    with out_path.open("rb") as fh:
        for line in fh:
            msg = line_decoder.decode(line)
            if msg.type == "RECORD":
                records[msg.stream] = records.get(msg.stream, 0) + 1
                if msg.stream in ids:
                    key = id_decoder.decode(msg.record).id
                    ids[msg.stream].add(tuple(key) if isinstance(key, list) else key)
            elif msg.type == "STATE":
                last_state = msg.value
    urls = urls_path.read_text().split("\n") if record_urls and urls_path.exists() else []
    if not keep_output:
        out_path.unlink()
    return TapRun(
        wall_s=wall,
        rss_mb=rss_kb / 1024,
        records=records,
        ids=ids,
        state=msgspec.json.decode(last_state) if last_state is not None else {},
        urls=[u for u in urls if u],
        output=out_path if keep_output else None,
    )


def tap_config(sb: SandboxProcess, max_workers: int | None, **extra: t.Any) -> dict[str, t.Any]:
    """The tap's config for the sandbox's first store; ``max_workers`` None keeps the tap's own."""
    config = {k: v for k, v in sb.config.items() if k != "stores"}
    config["window_lag_seconds"] = 1
    if max_workers is not None:
        config["max_workers"] = max_workers
    config.update(extra)
    return config


def select_only(
    config: dict[str, t.Any], workdir: Path, streams: t.Collection[str] | None
) -> dict[str, t.Any]:
    """The tap's discovered catalog with only ``streams`` selected (None: every stream,
    those the tap does not select by default included)."""
    path = workdir / "discover-config.json"
    path.write_bytes(msgspec.json.encode(config))
    rusage = str(workdir / "discover-rusage.json")
    cmd = [sys.executable, "-c", WRAPPER, rusage, "", "--config", str(path), "--discover"]
    out = subprocess.run(cmd, capture_output=True)
    if out.returncode != 0:
        tail = out.stderr.decode(errors="replace").splitlines()[-15:]
        raise BenchError("tap --discover failed:\n" + "\n".join(tail))
    catalog: dict[str, t.Any] = msgspec.json.decode(out.stdout)
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = (
                    streams is None or stream["tap_stream_id"] in streams
                )
    return catalog


def incremental_streams(state: dict[str, t.Any]) -> set[str]:
    """The streams that left a bookmark (in the stream's entry or one of its partitions)."""
    found = set()
    for stream, entry in state.get("bookmarks", {}).items():
        values = [p.get("replication_key_value") for p in entry.get("partitions", [])]
        values.append(entry.get("replication_key_value"))
        if any(isinstance(v, str) for v in values):
            found.add(stream)
    return found
