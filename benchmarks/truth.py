"""Ground truth of one sandbox store, read in-process or over the admin HTTP API.

The request model (``benchmarks.minimum``) and the loss checks need the same three
things from a store: the rows of a table (``{id, date_modified}``), the rows of a child
type (``{id, parent_id}``), and a store API read for the short lists the sandbox keeps no
ground truth for. A test holds a ``bigcommerce_sandbox.Sandbox`` in its own process; the
benchmark runs the sandbox as a separate process and must ask over HTTP. Both sources
answer through one class, so the model cannot tell them apart. A source is a snapshot:
rows are cached, so take a new one after editing the store.
"""

from __future__ import annotations

import abc
import datetime as dt
import http.client
import typing as t
from urllib.parse import urlencode, urlsplit

import msgspec
from typing_extensions import override

if t.TYPE_CHECKING:
    from bigcommerce_sandbox import Sandbox

    from benchmarks.sandbox import SandboxProcess

#: The largest page BigCommerce serves (``limit=250``).
PAGE = 250

Rows = list[dict[str, t.Any]]


def parse_time(value: str) -> dt.datetime:
    """A sandbox or tap timestamp (ISO 8601, ``Z`` or an offset), timezone-aware."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


class GroundTruth(abc.ABC):
    """What one store holds, as the sandbox generated and edited it."""

    def __init__(self) -> None:
        self._cache: dict[str, Rows | None] = {}

    @abc.abstractmethod
    def _fetch(self, resource: str) -> Rows | None:
        """Every ground-truth row of ``resource``, None when the store has no such type."""

    @abc.abstractmethod
    def get(self, path: str) -> tuple[int, bytes]:
        """A store API read: ``path`` (with its query) under ``/stores/{hash}``."""

    def _rows(self, resource: str) -> Rows | None:
        if resource not in self._cache:
            self._cache[resource] = self._fetch(resource)
        return self._cache[resource]

    def table(self, name: str) -> Rows | None:
        """Rows of a store table (orders, products, ...), None if ``name`` is not one."""
        rows = self._rows(name)
        return None if rows is None or (rows and "date_modified" not in rows[0]) else rows

    def children(self, name: str) -> Rows | None:
        """Rows of a child type (each with its ``parent_id``), None if ``name`` is not one."""
        rows = self._rows(name)
        return None if rows is None or (rows and "parent_id" not in rows[0]) else rows

    def listed(self, path: str, params: t.Mapping[str, str] | None = None) -> Rows | None:
        """Every record a list endpoint serves (all its pages), None for a single object.

        For the short lists the store keeps no ground truth for: the API is the truth.
        """
        query = dict(params or {})
        status, body = self.get(f"{path}?{urlencode({**query, 'limit': PAGE, 'page': 1})}")
        if status == 204 or not body:
            return []
        if status != 200:
            return None
        doc = msgspec.json.decode(body)
        if isinstance(doc, dict):
            data = doc.get("data")
            if not isinstance(data, list):
                return None
            total_pages = doc.get("meta", {}).get("pagination", {}).get("total_pages", 1)
            for page in range(2, int(total_pages) + 1):
                status, body = self.get(
                    f"{path}?{urlencode({**query, 'limit': PAGE, 'page': page})}"
                )
                data.extend(msgspec.json.decode(body)["data"] if status == 200 else [])
            return data
        if not isinstance(doc, list):
            return None
        items, page = list(doc), 1
        while len(doc) == PAGE:  # v2: a short page is the last, a page past the end a 204
            page += 1
            status, body = self.get(f"{path}?{urlencode({**query, 'limit': PAGE, 'page': page})}")
            doc = msgspec.json.decode(body) if status == 200 and body else []
            items.extend(doc)
        return items


class InProcessTruth(GroundTruth):
    """A ``bigcommerce_sandbox.Sandbox`` running in this process (the tests' store)."""

    def __init__(self, sandbox: Sandbox, store_index: int = 0) -> None:
        super().__init__()
        self.sandbox, self.store_index = sandbox, store_index
        config = sandbox.tap_config(store_index)
        url = urlsplit(config["api_url"])
        self._address = (url.hostname or "127.0.0.1", url.port or 80)
        self._prefix = f"/stores/{config['store_hash']}"
        self._token = config["access_token"]

    @override
    def _fetch(self, resource: str) -> Rows | None:
        try:
            return self.sandbox.truth(resource, store_index=self.store_index)
        except KeyError:
            return None

    @override
    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(*self._address, timeout=300)
        try:
            conn.request("GET", self._prefix + path, headers={"X-Auth-Token": self._token})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()


class AdminApiTruth(GroundTruth):
    """A sandbox in another process, through ``/__admin/stores/{hash}/{resource}/truth``."""

    def __init__(self, sandbox: SandboxProcess) -> None:
        super().__init__()
        self.sandbox = sandbox

    @override
    def _fetch(self, resource: str) -> Rows | None:
        path = f"/__admin/stores/{self.sandbox.hash}/{resource}/truth"
        status, data = self.sandbox.request("GET", path)
        return t.cast("Rows", msgspec.json.decode(data)) if status == 200 else None

    @override
    def get(self, path: str) -> tuple[int, bytes]:
        return self.sandbox.api_get(path)
