"""The tap's benchmark: requests, wall time, CPU throughput, memory and 429s, each as a ratio.

Run: ``make bench`` (about 15 minutes on 2 cores with the tap as of this writing),
``make bench BENCH_ARGS=--quick`` (a smoke run, under 2 minutes), or ``.venv/bin/python
benchmarks/bench.py [--quick] [--verbose] [--update-readme] [--max-workers N] [--json PATH]
[--only FIGURE] [--from-json PATH]``.

Every figure is measured against the sandbox store (``bigcommerce-sandbox``), started as
its own process so its CPU is not the tap's, and compared with a bound measured or computed in
the same run:

1. *Requests* for a full sync, then for an incremental sync after 1% of each incremental
   stream's records changed, of a standard store, against the minimum the API allows. The
   minimum comes from the sandbox's ground truth, never from the tap. Per endpoint the tap
   called (the sandbox's request statistics):

   - a list backed by a store table (orders, products, customers, ...):
     ``max(1, ceil(records in the window / 250))``, the window being everything on a full sync
     and the records modified at or after the stream's bookmark on an incremental one;
   - a per-parent child endpoint (a path with ``{parent_id}``) under a table: one request
     per parent in the window (the sandbox never gives such a parent more than 250
     children). Where the tap made fewer (the parent's payload tells it which parents have
     none, e.g. ``items_shipped``), one per parent in the window that has children in the
     ground truth. Under a parent without ground truth (price lists, channels): the parent
     list is walked, and each parent the tap read costs its pages of children (walked), each
     other parent 1. Children embedded in their parent's payload cost nothing, so they never
     appear here;
   - any other list (no ground truth): walked by the benchmark with ``limit=250``, and
     ``max(1, ceil(records / 250))`` on both syncs (a list without a date filter is read
     whole); an endpoint returning one object costs 1 (``/v2/time`` and ``/v2/store`` are
     the fixed requests, one each per store).

   Stream names are taken to be table names (``orders`` reads the ``orders`` table), and a
   stream's bookmark from the full sync is the lower bound of its incremental window.

2. *Wall time* of a full sync with 200 ms latency per request and the Pro rate (450 requests
   per 30 s) with the window shortened to 45 per 3 s, against the quota-bound minimum:
   requests the quota counted / quota x window. ``rate_limit_reserve`` is 0 (the tap may
   use the whole quota).
3. *CPU throughput* with no latency and no quota: records emitted / tap wall time (process
   start to exit, nothing subtracted), against a ceiling measured on the same data: the
   benchmark replays the URLs the tap requested, and times ``msgspec.json.decode`` of each
   page body plus ``msgspec.json.encode`` of one RECORD message (plus newline) per record the
   tap emitted, and nothing else. The timed runs follow a first full sync of the store
   that is not timed: it fills the sandbox's render cache, so the sandbox (on the same
   cores) only serves bytes while the tap is timed, as it does for the ceiling's replay.
   Shared machines drift by 10-20% within minutes, so the tap and the ceiling are timed
   alternately, five times each (once with ``--quick``), and their medians compared. ``make
   bench`` compiles the tap's bytecode first, as installing it does (the checkout is an
   editable install, and some environments forbid writing bytecode at run time).
4. *Peak RSS* of the tap process (its ``VmHWM``) for a full sync of stores with 100k and 400k
   orders; it must stay under 200 MB and not grow with the store. Not ``ru_maxrss``: on
   Linux a process started by ``subprocess`` (vfork, then exec) inherits the peak RSS of the
   process that started it, here the benchmark holding the store's ground truth, which
   grows with the store.
5. *429s* during the wall-time run, counted by the sandbox: in total and at steady state
   (after the first rate-limit window).

The tap runs inside a small wrapper process (its console-script entry point, in-process), so
its peak RSS is its own and the URLs it requests can be recorded for the ceiling. The figures
are printed as a table (a missed target is marked ✗; it does not fail the run) and written as
JSON. The run exits non-zero only on errors: a tap that fails, or a record of a parent stream
(one backed by a store table) that the ground truth has and the tap did not emit.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import http.client
import importlib.util
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import msgspec

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN, END = "<!-- BEGIN bench -->", "<!-- END bench -->"
PAGE = 250
MB = 1024 * 1024

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
# The command ends with os._exit after running the atexit handlers, last registered first:
# registered before the tap's own (its writer's flush), this one runs after them.
atexit.register(report)
from importlib.metadata import entry_points
(entry,) = entry_points(group="console_scripts", name="tap-bigcommerce")
entry.load()()
"""


class BenchError(RuntimeError):
    """A failure that makes the figures meaningless: the tap failed or lost records."""


# -- the sandbox ------------------------------------------------------------------------


class Sandbox:
    """One ``bigcommerce-sandbox`` process and its admin API."""

    def __init__(self, **options: int) -> None:
        args = [sys.executable, "-m", "bigcommerce_sandbox.cli", "--port", "0"]
        for name, value in options.items():
            args += [f"--{name.replace('_', '-')}", str(value)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise BenchError(f"the sandbox did not start: {' '.join(args)}")
        self.config: dict[str, t.Any] = msgspec.json.decode(line)
        url = urlsplit(self.config["api_url"])
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.hash: str = self.config["store_hash"]
        self._truth: dict[str, list[dict[str, t.Any]] | None] = {}

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def request(
        self, method: str, path: str, body: t.Any = None, token: bool = False
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
        try:
            headers = {"X-Auth-Token": self.config["access_token"]} if token else {}
            data = None
            if body is not None:
                data = msgspec.json.encode(body)
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def admin(self, method: str, path: str, body: t.Any = None) -> t.Any:
        status, data = self.request(method, "/__admin" + path, body)
        if status != 200:
            raise BenchError(f"sandbox admin {method} {path}: {status} {data[:200]!r}")
        return msgspec.json.decode(data)

    def stats(self) -> dict[str, t.Any]:
        return t.cast("dict[str, t.Any]", self.admin("GET", "/stats"))

    def reset_stats(self) -> None:
        self.admin("POST", "/stats/reset", {})

    def truth(self, resource: str) -> list[dict[str, t.Any]] | None:
        """Ground truth of a store table ({id, date_modified} rows), or None if not a table."""
        if resource not in self._truth:
            status, data = self.request("GET", f"/__admin/stores/{self.hash}/{resource}/truth")
            rows = msgspec.json.decode(data) if status == 200 else None
            if rows and "date_modified" not in rows[0]:
                rows = None  # a child type (rows carry parent_id), not a table
            self._truth[resource] = rows
        return self._truth[resource]

    def forget_truth(self) -> None:
        self._truth.clear()

    def api_get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", f"/stores/{self.hash}{path}", token=True)


# -- running the tap ----------------------------------------------------------------------


class _Line(msgspec.Struct):
    type: str
    stream: str = ""
    record: msgspec.Raw = msgspec.Raw(b"null")
    value: msgspec.Raw = msgspec.Raw(b"null")


class _Id(msgspec.Struct):
    id: t.Any = None


@dataclasses.dataclass
class TapRun:
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
    line_decoder, id_decoder = msgspec.json.Decoder(_Line), msgspec.json.Decoder(_Id)
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


def tap_config(sb: Sandbox, args: argparse.Namespace, **extra: t.Any) -> dict[str, t.Any]:
    config = {k: v for k, v in sb.config.items() if k != "stores"}
    config["window_lag_seconds"] = 1
    if args.max_workers is not None:
        config["max_workers"] = args.max_workers
    config.update(extra)
    return config


def select_only(
    config: dict[str, t.Any], workdir: Path, streams: t.Collection[str]
) -> dict[str, t.Any]:
    """The tap's discovered catalog with only ``streams`` selected."""
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
                entry["metadata"]["selected"] = stream["tap_stream_id"] in streams
    return catalog


def bookmarks(state: dict[str, t.Any]) -> dict[str, dt.datetime]:
    """Each stream's bookmark (the earliest over its partitions)."""
    marks: dict[str, dt.datetime] = {}
    for stream, entry in state.get("bookmarks", {}).items():
        values = [p.get("replication_key_value") for p in entry.get("partitions", [])]
        values.append(entry.get("replication_key_value"))
        parsed = [parse_time(v) for v in values if isinstance(v, str)]
        if parsed:
            marks[stream] = min(parsed)
    return marks


def parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def check_parents(sb: Sandbox, run: TapRun, label: str) -> dict[str, int]:
    """Parent streams (backed by a store table) must carry every record of the ground truth."""
    emitted = {}
    for stream, seen in run.ids.items():
        rows = sb.truth(stream)
        if rows is None:
            continue
        missing = {r["id"] for r in rows} - seen
        if missing:
            sample = sorted(missing)[:5]
            raise BenchError(f"{label}: {stream} lost {len(missing)} records (e.g. {sample})")
        emitted[stream] = len(seen)
    return emitted


def parent_streams(sb: Sandbox, config: dict[str, t.Any], workdir: Path) -> list[str]:
    """The streams the tap offers whose name is a store table with ground truth."""
    catalog = select_only(config, workdir, ())
    names = [s["tap_stream_id"] for s in catalog["streams"]]
    return [n for n in names if sb.truth(n) is not None]


# -- figure 1: the minimum number of requests -----------------------------------------------


def _placeholder_parent(path: str) -> str | None:
    parts = path.strip("/").split("/")
    for i, part in enumerate(parts):
        if part.startswith("{") and i > 0:
            return parts[i - 1]
    return None


def _count(sb: Sandbox, path: str, params: t.Mapping[str, str] | None = None) -> int | None:
    """Records in a list the benchmark has no ground truth for (None: not a list)."""
    extra = dict(params or {})
    status, body = sb.api_get(f"{path}?{urlencode({**extra, 'limit': PAGE, 'page': 1})}")
    if status != 200:
        return None
    doc = msgspec.json.decode(body)
    if isinstance(doc, dict):
        data = doc.get("data")
        if not isinstance(data, list):
            return None  # one object
        total = doc.get("meta", {}).get("pagination", {}).get("total")
        return total if isinstance(total, int) else len(data)
    if not isinstance(doc, list):
        return None
    n, page = len(doc), 1
    while len(doc) == PAGE:  # v2: a page past the end is a 204
        page += 1
        status, body = sb.api_get(f"{path}?{urlencode({**extra, 'limit': PAGE, 'page': page})}")
        doc = msgspec.json.decode(body) if status == 200 and body else []
        n += len(doc)
    return n


# Query parameters that page, bound or shape a read without making it a different read.
_NOT_A_FILTER = frozenset(
    [
        "page",
        "limit",
        "after",
        "before",
        "sort",
        "direction",
        "include",
        "include_fields",
        "exclude_fields",
        "consignment_structure",
        "min_id",
        "max_id",
        "id:greater",
        "id:less",
        "id:min",
        "id:max",
        "id:in",
        "min_date_modified",
        "max_date_modified",
        "date_modified:min",
        "date_modified:max",
    ]
)
# Query parameters that only page through a read.
_PAGING = frozenset(
    ("page", "limit", "after", "before", "min_id", "id:greater", "id:min", "sort", "direction")
)
#: BigCommerce caps a products page at 10 records with these includes.
_CAPPED_INCLUDES = frozenset(("options", "modifiers"))


def _reads(
    urls: t.Sequence[str], prefix: str
) -> dict[tuple[int, tuple[tuple[str, str], ...]], int]:
    """The tap's distinct reads of one list: (page cap, filters) -> requests."""
    reads: dict[tuple[int, tuple[tuple[str, str], ...]], int] = {}
    for url in urls:
        parts = urlsplit(url)
        if parts.path.rstrip("/") != prefix:
            continue
        params = parse_qsl(parts.query, keep_blank_values=True)
        includes = {x for k, v in params if k == "include" for x in v.split(",")}
        cap = 10 if includes & _CAPPED_INCLUDES else PAGE
        filters = tuple(sorted((k, v) for k, v in params if k not in _NOT_A_FILTER))
        key = (cap, filters)
        reads[key] = reads.get(key, 0) + 1
    return reads


def minimum_requests(
    sb: Sandbox,
    by_endpoint: dict[str, dict[str, int]],
    since: dict[str, dt.datetime],
    urls: t.Sequence[str] = (),
) -> dict[str, dict[str, t.Any]]:
    """Per endpoint the tap called: actual requests and the minimum the API allows.

    ``since`` holds the lower bound of each incremental stream's window (empty for a full
    sync); a table whose stream has no bound is read whole. ``urls`` (the tap's requests)
    split a table's list into its distinct reads: the plain one (records in the window /
    250), one with ``include=options|modifiers`` (BigCommerce pages those by 10), and reads
    with other filters such as ``is_deleted=true`` (counted by walking the same filter over
    the same window).
    """

    def in_window(table: str) -> int:
        rows = sb.truth(table) or []
        bound = since.get(table)
        if bound is None:
            return len(rows)
        return sum(1 for r in rows if parse_time(r["date_modified"]) >= bound)

    def table_minimum(table: str, path: str) -> tuple[int, str]:
        reads = _reads(urls, f"/stores/{sb.hash}{path}") or {(PAGE, ()): 1}
        total, notes = 0, []
        for cap, filters in sorted(reads):
            if filters:
                params = dict(filters)
                bound = since.get(table)
                if bound is not None:
                    key = "min_date_modified" if path.startswith("/v2/") else "date_modified:min"
                    params[key] = bound.isoformat()
                n = _count(sb, path, params) or 0
                label = "&".join(f"{k}={v}" for k, v in filters)
                notes.append(f"{n} walked ({label}) / {cap}")
            else:
                n = in_window(table)
                notes.append(f"{n} records / {cap}")
            total += max(1, math.ceil(n / cap))
        return total, " + ".join(notes)

    def parents_with_children(parent: str, child: str) -> int | None:
        """Parents in the window with at least one child, from the child's ground truth."""
        for name in (f"{parent.removesuffix('s')}_{child}", child):
            status, data = sb.request("GET", f"/__admin/stores/{sb.hash}/{name}/truth")
            if status == 200:
                rows = sb.truth(parent) or []
                bound = since.get(parent)
                window = {
                    r["id"]
                    for r in rows
                    if bound is None or parse_time(r["date_modified"]) >= bound
                }
                return len({c["parent_id"] for c in msgspec.json.decode(data)} & window)
        return None

    def per_listed_parent(template: str) -> tuple[int, str]:
        """Parents without ground truth: each one's children are walked with the tap's filters.

        A parent the tap did not read costs the pages its children fill (none when it has no
        children, as the tap may know from the parent's payload).
        """
        head = template[: template.index("{")].rstrip("/")
        tail = template[template.index("}") + 1 :]
        base = f"/stores/{sb.hash}"
        pattern = re.compile(re.escape(f"{base}{head}/") + r"([^/?]+)" + re.escape(tail) + "$")
        filters: dict[str, dict[str, str]] = {}
        for url in urls:
            parts = urlsplit(url)
            if (m := pattern.match(parts.path)) and m.group(1) not in filters:
                query = parse_qsl(parts.query, keep_blank_values=True)
                filters[m.group(1)] = {k: v for k, v in query if k not in _PAGING}
        status, body = sb.api_get(f"{head}?{urlencode({'limit': PAGE})}")
        doc = msgspec.json.decode(body) if status == 200 and body else []
        items = doc.get("data", []) if isinstance(doc, dict) else doc
        parents = [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]
        total = 0
        for pid in parents:
            n = _count(sb, f"{head}/{pid}{tail}", filters.get(pid)) or 0
            total += max(1, math.ceil(n / PAGE)) if pid in filters else math.ceil(n / PAGE)
        read = sum(1 for pid in parents if pid in filters)
        return max(1, total), f"{len(parents)} parents, {read} read; their children walked"

    rows: dict[str, dict[str, t.Any]] = {}
    for endpoint, statuses in sorted(by_endpoint.items()):
        method, _, path = endpoint.partition(" ")
        actual = sum(statuses.values())
        parent = _placeholder_parent(path)
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if method != "GET":
            minimum, how = 0, "not a read"
        elif parent is not None and sb.truth(parent) is not None:
            minimum, how = in_window(parent), f"1 per {parent} in window"
            if actual < minimum:  # the parent's payload lets the tap skip empty parents
                with_children = parents_with_children(parent, last)
                if with_children is not None:
                    minimum, how = with_children, f"1 per {parent} in window with {last}"
        elif parent is not None:
            minimum, how = per_listed_parent(path)
        elif sb.truth(last) is not None:
            minimum, how = table_minimum(last, path)
        else:
            n_or_none = _count(sb, path)
            if n_or_none is None:
                minimum, how = 1, "one object"
            else:
                minimum, how = max(1, math.ceil(n_or_none / PAGE)), f"{n_or_none} walked / {PAGE}"
        rows[endpoint] = {"actual": actual, "minimum": minimum, "how": how, "statuses": statuses}
    return rows


def figure_requests(
    args: argparse.Namespace, size: dict[str, int], workdir: Path
) -> dict[str, t.Any]:
    with Sandbox(seed=11, **size) as sb:
        config = tap_config(sb, args)
        parents = parent_streams(sb, config, workdir)
        sb.reset_stats()
        full = run_tap(config, workdir, label="requests-full", record_urls=True, id_streams=parents)
        full_stats = sb.stats()
        full_rows = minimum_requests(sb, full_stats["by_endpoint"], {}, full.urls)
        emitted = check_parents(sb, full, "full sync")
        # 1% of each incremental stream's records change; the clock moves past the lag.
        marks = bookmarks(full.state)
        edited: dict[str, list[int]] = {}
        for stream in parents:
            if stream in marks:
                count = max(1, len(sb.truth(stream) or []) // 100)
                edited[stream] = sb.admin(
                    "POST", f"/stores/{sb.hash}/{stream}/edit", {"count": count}
                )["ids"]
        sb.forget_truth()
        sb.admin("POST", "/clock", {"advance_seconds": 5})
        sb.reset_stats()
        inc = run_tap(
            config,
            workdir,
            label="requests-incremental",
            state=full.state,
            record_urls=True,
            id_streams=parents,
        )
        inc_stats = sb.stats()
        inc_rows = minimum_requests(sb, inc_stats["by_endpoint"], marks, inc.urls)
        for stream, ids in edited.items():
            lost = set(ids) - inc.ids.get(stream, set())
            if lost:
                raise BenchError(f"incremental sync: {stream} lost {len(lost)} edited records")
    return {
        "store": size,
        "full": _totals(full_rows, full, emitted),
        "incremental": {
            **_totals(inc_rows, inc, {}),
            "edited": {k: len(v) for k, v in edited.items()},
        },
    }


def _totals(
    rows: dict[str, dict[str, t.Any]], run: TapRun, emitted: dict[str, int]
) -> dict[str, t.Any]:
    actual = sum(r["actual"] for r in rows.values())
    minimum = sum(r["minimum"] for r in rows.values())
    return {
        "requests": actual,
        "minimum": minimum,
        "ratio": actual / max(minimum, 1),
        "records": sum(run.records.values()),
        "parents_checked": emitted,
        "wall_s": run.wall_s,
        "by_endpoint": rows,
    }


# -- figures 2 and 5: wall time under latency and quota; 429s ---------------------------------


class StatsPoller(threading.Thread):
    """Samples the sandbox's counters while the tap runs, to tell steady state from start-up."""

    def __init__(self, sb: Sandbox, every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.sb, self.every = sb, every
        self.samples: list[tuple[float, int, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            s = self.sb.stats()
            self.samples.append((time.monotonic(), s["requests"], s["throttled"]))
            self.stop.wait(self.every)

    def throttled_after(self, seconds: float) -> int | None:
        """429s counted from ``seconds`` after the first request to the end."""
        first = next((ts for ts, n, _ in self.samples if n > 0), None)
        if first is None:
            return None
        base = next((th for ts, _, th in self.samples if ts >= first + seconds), None)
        return None if base is None else self.samples[-1][2] - base


def figure_wall(args: argparse.Namespace, size: dict[str, int], workdir: Path) -> dict[str, t.Any]:
    quota, window_ms, latency_ms = 45, 3000, 200
    with Sandbox(seed=12, quota=quota, window_ms=window_ms, latency_ms=latency_ms, **size) as sb:
        config = tap_config(sb, args, rate_limit_reserve=0)
        parents = parent_streams(sb, config, workdir)
        sb.reset_stats()
        poller = StatsPoller(sb)
        poller.start()
        run = run_tap(config, workdir, label="wall", id_streams=parents)
        poller.stop.set()
        poller.join()
        stats = sb.stats()
        poller.samples.append((time.monotonic(), stats["requests"], stats["throttled"]))
        check_parents(sb, run, "wall-time run")
    counted = stats["requests"] - stats["throttled"]
    bound = counted / quota * window_ms / 1000
    return {
        "store": size,
        "quota": quota,
        "window_ms": window_ms,
        "latency_ms": latency_ms,
        "rate_limit_reserve": 0,
        "requests": stats["requests"],
        "requests_counted_by_quota": counted,
        "wall_s": run.wall_s,
        "quota_bound_s": bound,
        "ratio": run.wall_s / bound if bound else math.inf,
        "records": sum(run.records.values()),
        "throttled": stats["throttled"],
        "throttled_steady_state": poller.throttled_after(window_ms / 1000),
    }


# -- figure 3: CPU throughput against a msgspec ceiling ------------------------------------------


#: The streams of the CPU figure: large parents read 250 per page with their children
#: embedded, so the run measures the record path rather than round trips.
BULK_STREAMS = (
    "orders",
    "order_products",
    "order_shipping_addresses",
    "products",
    "product_variants",
    "customers",
    "customer_addresses",
)


def figure_throughput(
    args: argparse.Namespace,
    size: dict[str, int],
    streams: list[str],
    workdir: Path,
    *,
    repeats: int,
) -> dict[str, t.Any]:
    # The sandbox shares the machine's cores with the tap; the run it times must not
    # be charged for the sandbox rendering records, so every record is rendered once
    # by an untimed warm-up run and then served from the sandbox's cache (as the
    # ceiling's replay is). The machine's speed drifts by 10-20% within minutes, so
    # the tap and the ceiling are timed `repeats` times, alternately, and the medians
    # are compared.
    cache_size = 10 * sum(size.values())
    walls: list[float] = []
    ceilings: list[float] = []
    with Sandbox(seed=13, cache_size=cache_size, **size) as sb:
        config = tap_config(sb, args)
        catalog = select_only(config, workdir, streams) if streams else None
        parents = [s for s in parent_streams(sb, config, workdir) if not streams or s in streams]
        run_tap(config, workdir, catalog=catalog, label="throughput-warmup")
        first: TapRun | None = None
        for attempt in range(repeats):
            run = run_tap(
                config,
                workdir,
                catalog=catalog,
                label=f"throughput-{attempt + 1}",
                record_urls=True,
                keep_output=True,
                id_streams=parents,
            )
            check_parents(sb, run, f"throughput run {attempt + 1}")
            if first is None:
                first = run
            elif run.records != first.records:
                raise BenchError(
                    f"throughput run {attempt + 1} emitted {run.records}, run 1 {first.records}"
                )
            walls.append(run.wall_s)
            if run.urls:
                ceilings.append(ceiling_seconds(sb, run))
            assert run.output is not None
            run.output.unlink()
    assert first is not None
    records = sum(first.records.values())
    wall = statistics.median(walls)
    result: dict[str, t.Any] = {
        "store": size,
        "streams": streams or "all",
        "records": records,
        "repeats": repeats,
        "wall_s": wall,
        "wall_runs_s": walls,
        "records_per_s": records / wall,
        "pages_replayed": len(first.urls),
    }
    if not ceilings:
        result["ceiling_note"] = "the tap's requests could not be recorded (not through urllib3)"
        return result
    ceiling = statistics.median(ceilings)
    result["ceiling_s"] = ceiling
    result["ceiling_runs_s"] = ceilings
    result["ceiling_records_per_s"] = records / ceiling
    result["ratio"] = result["records_per_s"] / result["ceiling_records_per_s"]
    return result


def ceiling_seconds(sb: Sandbox, run: TapRun) -> float:
    """Time msgspec alone needs to decode the tap's pages and encode its RECORD lines."""
    assert run.output is not None
    encode, decode = msgspec.json.encode, msgspec.json.decode
    spent = 0.0
    conn = http.client.HTTPConnection(sb.host, sb.port, timeout=300)
    headers = {"X-Auth-Token": sb.config["access_token"]}
    try:
        for url in run.urls:
            conn.request("GET", url, headers=headers)
            body = conn.getresponse().read()
            if not body:
                continue
            start = time.perf_counter()
            decode(body)
            spent += time.perf_counter() - start
    finally:
        conn.close()
    line_decoder = msgspec.json.Decoder(_Line)
    batch: list[dict[str, t.Any]] = []
    extracted = dt.datetime.now(dt.timezone.utc).isoformat()

    def flush() -> float:
        start = time.perf_counter()
        for message in batch:
            encode(message) + b"\n"
        took = time.perf_counter() - start
        batch.clear()
        return took

    with run.output.open("rb") as fh:
        for line in fh:
            msg = line_decoder.decode(line)
            if msg.type != "RECORD":
                continue
            batch.append(
                {
                    "type": "RECORD",
                    "stream": msg.stream,
                    "record": decode(msg.record),
                    "time_extracted": extracted,
                }
            )
            if len(batch) == 2000:
                spent += flush()
    return spent + flush()


# -- figure 4: peak RSS --------------------------------------------------------------------------


def figure_memory(
    args: argparse.Namespace, sizes: list[int], streams: list[str], workdir: Path
) -> dict[str, t.Any]:
    runs = []
    for orders in sizes:
        with Sandbox(seed=14, orders=orders, products=200, customers=200) as sb:
            config = tap_config(sb, args)
            catalog = select_only(config, workdir, streams) if streams else None
            parents = [s for s in (streams or ["orders"]) if sb.truth(s) is not None]
            run = run_tap(
                config, workdir, label=f"memory-{orders}", catalog=catalog, id_streams=parents
            )
            check_parents(sb, run, f"{orders} orders")
        runs.append(
            {
                "orders": orders,
                "rss_mb": run.rss_mb,
                "records": sum(run.records.values()),
                "wall_s": run.wall_s,
            }
        )
    small, large = runs[0]["rss_mb"], runs[-1]["rss_mb"]
    return {
        "streams": streams or "all",
        "runs": runs,
        "peak_mb": max(r["rss_mb"] for r in runs),
        "growth": large / small,
    }


# -- report --------------------------------------------------------------------------------------


def machine() -> dict[str, t.Any]:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    commit_id = commit.stdout.strip() or "unknown"
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "tap_bigcommerce"], capture_output=True, text=True
    ).stdout.strip()
    if dirty:
        commit_id += " with uncommitted changes"
    spec = importlib.util.find_spec("tap_bigcommerce")
    origin = Path(spec.origin).parent.parent if spec and spec.origin else None
    if origin is not None and origin != ROOT:
        commit_id = f"the tap in {origin}"
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "commit": commit_id,
    }


def _k(n: int) -> str:
    return f"{n // 1000:,}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}"


def _shape(store: dict[str, int]) -> str:
    return ", ".join(f"{_k(store[k])} {k}" for k in ("orders", "products", "customers"))


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def table(results: dict[str, t.Any]) -> list[tuple[str, str, str, str]]:
    """Rows: figure, measured, bound and ratio, target and verdict."""
    rows = []
    req = results.get("requests")
    if req:
        store = req["store"]
        shape = _shape(store)
        for kind, title in (("full", "full sync"), ("incremental", "1%-changed incremental")):
            r = req[kind]
            rows.append(
                (
                    f"1. Requests, {title} ({shape})",
                    f"{r['requests']:,} requests",
                    f"minimum {r['minimum']:,}: {r['ratio']:.2f}x",
                    f"≤ 1.1x {_mark(r['ratio'] <= 1.1)}",
                )
            )
    wall = results.get("wall")
    if wall:
        rows.append(
            (
                f"2. Wall time, full sync, {wall['latency_ms']} ms latency, {wall['quota']} req"
                f" / {wall['window_ms'] / 1000:g} s ({_shape(wall['store'])})",
                f"{wall['wall_s']:.1f} s, {wall['requests']:,} requests",
                f"quota-bound {wall['quota_bound_s']:.1f} s: {wall['ratio']:.2f}x",
                f"≤ 1.25x {_mark(wall['ratio'] <= 1.25)}",
            )
        )
    thr = results.get("throughput")
    if thr:
        if "ratio" in thr:
            bound = f"msgspec {thr['ceiling_records_per_s']:,.0f}/s: {thr['ratio']:.2f}x"
            verdict = f"≥ 0.5x {_mark(thr['ratio'] >= 0.5)}"
        else:
            bound, verdict = "not measured", "≥ 0.5x ?"
        rows.append(
            (
                f"3. CPU throughput, full sync, no latency, no quota ({_shape(thr['store'])}, "
                f"{'all' if thr.get('streams') == 'all' else len(thr.get('streams', ()))} streams)",
                f"{thr['records_per_s']:,.0f} records/s"
                + (f" (median of {thr['repeats']})" if thr.get("repeats", 1) > 1 else ""),
                bound,
                verdict,
            )
        )
    mem = results.get("memory")
    if mem:
        sizes = " / ".join(f"{r['orders'] // 1000}k" for r in mem["runs"])
        chosen = mem["streams"]
        streams = "all streams" if chosen == "all" else ", ".join(f"`{s}`" for s in chosen)
        peaks = " / ".join(f"{r['rss_mb']:.0f}" for r in mem["runs"])
        ok = mem["peak_mb"] <= 200 and mem["growth"] <= 1.1
        rows.append(
            (
                f"4. Peak RSS, full sync of {streams}, stores of {sizes} orders",
                f"{peaks} MB",
                f"growth {mem['growth']:.2f}x",
                f"≤ 200 MB, flat {_mark(ok)}",
            )
        )
    if wall:
        steady = wall["throttled_steady_state"]
        rows.append(
            (
                "5. 429s at steady state (the wall-time run)",
                f"{steady if steady is not None else '?'} ({wall['throttled']} in total)",
                "",
                f"0 {_mark(steady == 0)}",
            )
        )
    return rows


def markdown(results: dict[str, t.Any]) -> str:
    m = results["machine"]
    lines = [
        "| Figure | Measured | Bound, ratio | Target |",
        "|:--|--:|--:|:--|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in table(results)),
        "",
        f"Measured by `make bench{' BENCH_ARGS=--quick' if results['quick'] else ''}` on "
        f"{m['cpu']}, {m['cores']} cores, Python {m['python']}, commit {m['commit']}, "
        f"{results['date']}." + (f" {results['note']}" if results.get("note") else ""),
    ]
    return "\n".join(lines)


def print_table(results: dict[str, t.Any], verbose: bool) -> None:
    rows = table(results)
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    m = results["machine"]
    print(f"{m['cpu']}, {m['cores']} cores, Python {m['python']}, commit {m['commit']}")
    if verbose and "requests" in results:
        for kind in ("full", "incremental"):
            print(f"\nrequests per endpoint, {kind} sync (actual / minimum: how)")
            for endpoint, r in results["requests"][kind]["by_endpoint"].items():
                print(f"  {endpoint:<50} {r['actual']:>6} / {r['minimum']:<6} {r['how']}")


PERFORMANCE_INTRO = """\
`make bench` runs the tap against the sandbox store and sets each figure against a bound
measured or computed in the same run (`BENCH_ARGS=--quick` for a smoke run with small stores,
`--verbose` for requests per endpoint, `--update-readme` to rewrite this table). Store sizes
are in the table; every run selects all streams unless the table names how many.

1. **Requests** of a full sync, then of an incremental sync after 1% of the orders, products
   and customers changed, against the minimum the API allows, computed from the sandbox's
   ground truth: one request per 250 records in the window for each list (per 10 for
   products with options and modifiers), one per parent for endpoints that exist only per
   parent, one per single object (`/v2/time`, `/v2/store`).
2. **Wall time** of a full sync with 200 ms latency and the Pro rate (450 requests per 30 s,
   shortened to 45 per 3 s), with `rate_limit_reserve: 0`, against the quota-bound minimum:
   requests / quota x window.
3. **CPU throughput** with no latency and no quota: records per second of the whole tap
   process (start-up included) for the large streams (orders, products and customers with
   their embedded children), against msgspec alone decoding the same pages and encoding the
   same RECORD lines. The timed syncs follow an untimed one, so the sandbox serves its
   pages from cache instead of rendering them on the cores the tap runs on. The tap and
   the ceiling are timed alternately, five times each, and the medians compared.
4. **Peak RSS** of the tap process for full syncs of the `orders` stream of stores with 100k
   and 400k orders: at most 200 MB, and flat (the larger within 10% of the smaller).
5. **429s** of run 2 after its first rate-limit window.

The JSON behind the table, with the requests per endpoint, is `benchmarks/results.json`
(committed with the table; `--quick` writes `results-quick.json`, not committed).
"""


def with_table(readme: str, text: str) -> str:
    """``readme`` with ``text`` between the bench markers (the section is added if missing)."""
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in readme and END in readme:
        pattern = re.escape(BEGIN) + ".*?" + re.escape(END)
        return re.sub(pattern, lambda _: block, readme, count=1, flags=re.S)
    anchor = "## The sandbox store"
    if anchor not in readme:
        raise BenchError("README has no '## The sandbox store' section to put the table before")
    section = f"## Performance\n\n{PERFORMANCE_INTRO}\n{block}\n\n"
    return readme.replace(anchor, section + anchor, 1)


def update_readme(text: str) -> None:
    README.write_text(with_table(README.read_text(), text))


# -- main ----------------------------------------------------------------------------------------

PROFILES: dict[str, dict[str, t.Any]] = {
    "full": {
        "requests": {"orders": 10_000, "products": 2_000, "customers": 5_000},
        "wall": {"orders": 200, "products": 200, "customers": 1_000},
        "throughput": {"orders": 20_000, "products": 2_000, "customers": 5_000},
        "throughput_repeats": 5,
        "memory": [100_000, 400_000],
    },
    "quick": {
        "requests": {"orders": 500, "products": 200, "customers": 500},
        "wall": {"orders": 40, "products": 40, "customers": 200},
        "throughput": {"orders": 4_000, "products": 400, "customers": 1_000},
        "throughput_repeats": 1,
        "memory": [5_000, 20_000],
    },
}

FIGURES = ("requests", "wall", "throughput", "memory")


def main(argv: t.Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
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
    p.add_argument("--only", choices=FIGURES, action="append", help="run only these figures")
    p.add_argument("--max-workers", type=int, help="the tap's max_workers (default: the tap's own)")
    p.add_argument(
        "--cpu-streams",
        default=",".join(BULK_STREAMS),
        help="streams selected for the CPU run, comma-separated, or 'all' (default: the bulk "
        "streams, parents read 250 per page with embedded children)",
    )
    p.add_argument(
        "--memory-streams",
        default="orders",
        help="streams selected for the peak-RSS runs, comma-separated, or 'all' (default: orders)",
    )
    p.add_argument(
        "--from-json",
        type=Path,
        help="run nothing: print (and with --update-readme write) the table of a results file",
    )
    p.add_argument("--note", help="a remark for the README footer (e.g. which checkout ran)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (tap output, logs)")
    args = p.parse_args(argv)
    if args.from_json:
        saved = msgspec.json.decode(args.from_json.read_bytes())
        if args.note:
            saved["note"] = args.note
        print_table(saved, args.verbose)
        if args.update_readme:
            update_readme(markdown(saved))
            print("README.md updated")
        return 0
    profile = PROFILES["quick" if args.quick else "full"]
    figures = args.only or list(FIGURES)
    workdir = Path(tempfile.mkdtemp(prefix="tap-bench-"))
    results: dict[str, t.Any] = {
        "quick": args.quick,
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "max_workers": args.max_workers,
        "note": args.note,
    }
    started = time.perf_counter()
    try:
        for figure in figures:
            t0 = time.perf_counter()
            print(f"[{figure}] ...", file=sys.stderr, flush=True)
            if figure == "requests":
                results[figure] = figure_requests(args, profile["requests"], workdir)
            elif figure == "wall":
                results[figure] = figure_wall(args, profile["wall"], workdir)
            elif figure == "throughput":
                streams = [] if args.cpu_streams == "all" else args.cpu_streams.split(",")
                results[figure] = figure_throughput(
                    args,
                    profile["throughput"],
                    streams,
                    workdir,
                    repeats=profile["throughput_repeats"],
                )
            else:
                streams = [] if args.memory_streams == "all" else args.memory_streams.split(",")
                results[figure] = figure_memory(args, profile["memory"], streams, workdir)
            print(f"[{figure}] {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        print(f"logs kept in {workdir}", file=sys.stderr)
        return 1
    results["bench_s"] = time.perf_counter() - started
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    out = args.json or ROOT / "benchmarks" / (
        "results-quick.json" if args.quick else "results.json"
    )
    out.write_bytes(msgspec.json.format(msgspec.json.encode(results), indent=2) + b"\n")
    print_table(results, args.verbose)
    print(f"results: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if args.update_readme:
        update_readme(markdown(results))
        print("README.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
