"""Run the tap as users do (its console script) and read what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

TAP = str(Path(sys.executable).with_name("tap-bigcommerce"))


@dataclass
class TapRun:
    """One run of the tap: exit code, raw output, and the Singer messages parsed from stdout."""

    returncode: int
    stdout: str
    stderr: str
    messages: list[dict[str, t.Any]] = field(default_factory=list)

    def records(self, stream: str) -> list[dict[str, t.Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def streams_with_records(self) -> set[str]:
        return {m["stream"] for m in self.messages if m["type"] == "RECORD"}

    def schema_messages(self, stream: str) -> list[dict[str, t.Any]]:
        return [m for m in self.messages if m["type"] == "SCHEMA" and m["stream"] == stream]

    @property
    def final_state(self) -> dict[str, t.Any]:
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        return states[-1] if states else {}

    def bookmark(self, stream: str, store_hash: str | None = None) -> str | None:
        """The stream's bookmark for one store (state is kept per store)."""
        entry = self.final_state.get("bookmarks", {}).get(stream, {})
        values = [
            partition.get("replication_key_value")
            for partition in entry.get("partitions", [])
            if store_hash is None or partition["context"]["store_hash"] == store_hash
        ]
        assert len(values) <= 1, f"{stream}: several stores; name one"
        return values[0] if values else None


def start_tap(
    config: dict[str, t.Any],
    *,
    state: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
    streams: t.Iterable[str] | None = None,
    workdir: Path | None = None,
) -> tuple[subprocess.Popen[str], Path]:
    """Start the tap; `streams` selects only those streams (default: all)."""
    if streams is not None:
        catalog = select(config, streams)
    folder = workdir or Path(tempfile.mkdtemp(prefix="tap-run-"))
    config_path = folder / "config.json"
    config_path.write_text(json.dumps(config))
    args = [TAP, "--config", str(config_path)]
    if state is not None:
        state_path = folder / "state.json"
        state_path.write_text(json.dumps(state))
        args += ["--state", str(state_path)]
    if catalog is not None:
        catalog_path = folder / "catalog.json"
        catalog_path.write_text(json.dumps(catalog))
        args += ["--catalog", str(catalog_path)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_BIGCOMMERCE_")}
    # Files, not pipes: a test that waits on the store while the tap runs must not
    # leave the tap blocked on a full pipe.
    with (folder / "stdout").open("w") as out, (folder / "stderr").open("w") as err:
        process = subprocess.Popen(args, stdout=out, stderr=err, text=True, env=env)
    process.folder = folder  # type: ignore[attr-defined]
    return process, folder


def finish(process: subprocess.Popen[str], timeout: float = 300) -> TapRun:
    process.wait(timeout=timeout)
    folder: Path = process.folder  # type: ignore[attr-defined]
    stdout = (folder / "stdout").read_text()
    stderr = (folder / "stderr").read_text()
    lines = [line for line in stdout.splitlines() if line.strip()]
    if process.returncode != 0 and lines:
        try:
            json.loads(lines[-1])
        except json.JSONDecodeError:
            lines.pop()  # a killed tap may stop mid-line; a target would discard it too
    messages = [json.loads(line) for line in lines]
    return TapRun(process.returncode, stdout, stderr, messages)


def run_tap(config: dict[str, t.Any], **kwargs: t.Any) -> TapRun:
    process, _ = start_tap(config, **kwargs)
    return finish(process)


def discover(config: dict[str, t.Any]) -> dict[str, t.Any]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.json"
        path.write_text(json.dumps(config))
        out = subprocess.run(
            [TAP, "--config", str(path), "--discover"],
            capture_output=True,
            text=True,
            check=True,
        )
    return t.cast("dict[str, t.Any]", json.loads(out.stdout))


def every_stream_selected(config: dict[str, t.Any]) -> dict[str, t.Any]:
    """The discovered catalog with every stream selected, not only the default ones."""
    from tap_bigcommerce.tap import TapBigCommerce

    catalog = TapBigCommerce(config=config, validate_config=False).catalog_dict
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = True
    return t.cast("dict[str, t.Any]", catalog)


CORE_STREAMS = (
    "orders",
    "order_products",
    "order_shipping_addresses",
    "products",
    "product_variants",
    "customers",
    "customer_addresses",
    "store",
)


_DISCOVERED: dict[str, t.Any] = {}


def select(config: dict[str, t.Any], streams: t.Iterable[str]) -> dict[str, t.Any]:
    """A catalog from discovery with only `streams` selected (as a user's catalog would)."""
    wanted = set(streams)
    if not _DISCOVERED:  # the catalog depends on the code only: discover once per session
        _DISCOVERED.update(discover(config))
    catalog = json.loads(json.dumps(_DISCOVERED))
    names = {entry["tap_stream_id"] for entry in catalog["streams"]}
    assert wanted <= names, f"unknown streams: {sorted(wanted - names)}"
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = entry["tap_stream_id"] in wanted
    return catalog
