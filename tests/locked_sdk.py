"""Skip a comparison with the SDK's own output unless the SDK is the one uv.lock pins.

The README's about sections, meltano.yml and the Hub definition describe the tap as
users install it, with the singer-sdk release uv.lock pins: its settings (stream maps,
batch, faker...) and capabilities. `make test-sdk-next` runs the suite on the next SDK,
which adds or words some of those differently; there, comparing the committed files
with its `--about` would only say that the files document the locked release, so those
tests skip with the two versions. Every check that does not compare with the SDK's own
output runs on either.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest

UV_LOCK = Path(__file__).resolve().parent.parent / "uv.lock"


def locked_version(distribution: str) -> str:
    lock = UV_LOCK.read_text(encoding="utf-8")
    pattern = rf'(?m)^name = "{re.escape(distribution)}"\nversion = "([^"]+)"'
    (version,) = re.findall(pattern, lock)
    return str(version)


def require_locked_singer_sdk() -> None:
    locked = locked_version("singer-sdk")
    installed = importlib.metadata.version("singer-sdk")
    if installed != locked:
        pytest.skip(f"singer-sdk {installed} is installed, the files document {locked} (uv.lock)")
