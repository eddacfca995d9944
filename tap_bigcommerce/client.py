"""Base stream classes: how every BigCommerce resource is read and turned into records.

Three ideas shape this module (see DESIGN §3):

* Incremental streams read a window `[bookmark, window_end]` fixed once per run
  from the store's clock, and page through it by keyset on id, never by page
  number, so a record edited or created mid-sync cannot shift another one out of
  the pages still to come. The bookmark moves to `window_end` only when the whole
  window has been read; an interrupted run starts again from the old bookmark.
* Sub-resources that the API embeds in the parent's response (line items,
  variants, addresses) are emitted by child streams straight from that payload,
  one child sync per parent page, at no extra request.
* Child streams keep no state per parent: state stays O(streams).

List pages are decoded straight into their schema's types (`decoding`), which
conforms them inside msgspec; `records.FieldPlan` conforms what arrives as plain
dicts (other endpoints, or a stream whose pages the typed decoder gave up on).
"""

from __future__ import annotations

import datetime as dt
import functools
import typing as t
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import msgspec
from singer_sdk import metrics
from singer_sdk.helpers._util import utc_now
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.mapper import SameRecordTransform
from singer_sdk.singerlib import RecordMessage
from singer_sdk.streams import Stream

from tap_bigcommerce.dates import format_timestamp, parse_timestamp
from tap_bigcommerce.decoding import PageDecoder, TypedRecord, Unsupported
from tap_bigcommerce.errors import BigCommerceError, MissingScopeError
from tap_bigcommerce.output import RecordLine, StateFlushingWriter
from tap_bigcommerce.parallel import map_in_order, merge_concurrently
from tap_bigcommerce.progress import Progress
from tap_bigcommerce.records import FieldPlan
from tap_bigcommerce.schemas import load_schema
from tap_bigcommerce.schemas.embeddings import EMBEDDINGS

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_bigcommerce.api import StoreApi
    from tap_bigcommerce.tap import TapBigCommerce

PAGE_SIZE = 250
PROGRESS_MARKERS = "progress_markers"


@dataclass(frozen=True)
class Window:
    """The inclusive range of `date_modified` values one run reads."""

    start: dt.datetime | None
    end: dt.datetime

    @property
    def is_empty(self) -> bool:
        return self.start is not None and self.start > self.end


class BigCommerceStream(Stream):
    """A BigCommerce resource: its endpoint, scope, schema and record normalisation."""

    path: t.ClassVar[str]
    """Endpoint below `/stores/{hash}`, e.g. `/v2/orders`."""
    scope: t.ClassVar[str]
    """The OAuth scope the endpoint needs (named in 403 errors and the streams table)."""
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "id")
    # `normalise` conforms records itself, in one pass planned from the schema.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    def __init__(self, tap: TapBigCommerce) -> None:
        schema = load_schema(self.name)
        schema.setdefault("properties", {})["store_hash"] = {
            "type": ["string"],
            "description": "The store the record comes from (part of every primary key).",
        }
        super().__init__(tap=tap, schema=schema)
        self._field_plan = FieldPlan(schema, stream=self.name)
        self._undeclared_seen: set[str] = set()
        self._progress: Progress | None = None
        self._record_line: RecordLine | None = None
        self._record_counter: metrics.Counter | None = None
        self.store_hash = ""
        """The store being read: streams read one store (one partition) at a time."""

    @property
    def tap(self) -> TapBigCommerce:
        return t.cast("TapBigCommerce", self._tap)

    @property
    def partitions(self) -> list[dict[str, t.Any]] | None:
        """One partition per store, so that each store keeps its own bookmark."""
        if self.parent_stream_type is not None:
            return None
        return [{"store_hash": store_hash} for store_hash in self.tap.store_hashes]

    @property
    def api(self) -> StoreApi:
        return self.tap.api(self.store_hash)

    def get(
        self,
        params: Mapping[str, t.Any] | None = None,
        path: str | None = None,
        *,
        typed: bool = False,
    ) -> t.Any:
        """The decoded body of one GET (None for BigCommerce's 204 past the last page).

        `typed`: the body is a page of this stream's own records, to be decoded into
        conformed `TypedRecord`s (see `decoding`) when the stream allows it.
        """
        decoder = self._page_decoder if typed else None
        return self.api.get(
            path or self.path,
            params,
            scope=self.scope,
            stream=self.name,
            decode=decoder.decode if decoder is not None else None,
        ).body

    @functools.cached_property
    def _page_decoder(self) -> PageDecoder | None:
        if self.config.get("batch_config"):
            return None  # the SDK's batch files are written from plain dicts
        try:
            return PageDecoder(
                self._field_plan,
                envelope="v3" if self.path.startswith("/v3/") else "v2",
                added=embedded_child_keys(self.name, self._field_plan),
                on_undeclared=self._warn_undeclared,
            )
        except Unsupported as exc:
            self.logger.debug("Stream '%s': pages are decoded plainly (%s).", self.name, exc)
            return None

    def normalise(self, record: t.Any) -> t.Any:
        """Tag the record with its store and conform it to the schema (see `records`).

        A `TypedRecord` was conformed while its page was decoded.
        """
        if isinstance(record, TypedRecord):
            record.store_hash = self.store_hash  # type: ignore[attr-defined]
            return record
        record["store_hash"] = self.store_hash
        dropped = self._field_plan.apply(record)
        if dropped:
            self._warn_undeclared(dropped)
        return record

    @functools.cached_property
    def _everything_selected(self) -> bool:
        return all(self.mask.values())

    def _generate_record_messages(
        self, record: dict[str, t.Any]
    ) -> Generator[RecordMessage, None, None]:
        """The SDK's record messages, without its per-record walks where they do nothing.

        `normalise` has already conformed the record, and when every property is
        selected (the usual catalog) the SDK's deselection walk removes nothing;
        both cost more per record than encoding it. Stream maps still apply.
        """
        if not self._everything_selected:
            yield from super()._generate_record_messages(record)
            return
        for stream_map in self.stream_maps:
            mapped_record = stream_map.transform(record)
            if mapped_record is not None:
                yield RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped_record,
                    version=self._stream_version,
                    time_extracted=utc_now(),
                )

    def _write_record_message(self, record: dict[str, t.Any]) -> None:
        """Write the record's line straight to the output when nothing would change it.

        With every property selected, no stream map and no flattening, the SDK's
        message object, its dict and the generic serialisation would reproduce the
        record as it is; the writer encodes it directly instead (same bytes).
        """
        writer = self._direct_writer
        if writer is None:
            if isinstance(record, TypedRecord):
                record = msgspec.to_builtins(record)
            super()._write_record_message(record)
            return
        writer.write_record(self._direct_record_line(), record)
        self.state_manager.is_flushed = False

    @functools.cached_property
    def _direct_writer(self) -> StateFlushingWriter | None:
        writer = self._tap.message_writer
        if not isinstance(writer, StateFlushingWriter) or not self._everything_selected:
            return None
        maps = self.stream_maps
        if len(maps) != 1 or type(maps[0]) is not SameRecordTransform:
            return None
        return None if maps[0].flattening_enabled else writer

    def _direct_record_line(self) -> RecordLine:
        line = self._record_line
        if line is None or line.version != self._stream_version:
            alias = self.stream_maps[0].stream_alias
            line = self._record_line = RecordLine(alias, self._stream_version)
        return line

    def _warn_undeclared(self, dropped: list[str]) -> None:
        """Once per property, not once per record: the API may add fields any day."""
        new = sorted(set(dropped) - self._undeclared_seen)
        if new:
            self._undeclared_seen.update(new)
            self.logger.warning(
                "Stream '%s': the API sent properties the schema does not declare; "
                "they are left out: %s",
                self.name,
                ", ".join(new),
            )

    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        del context
        return self.normalise(row)

    def get_records(self, context: Context | None) -> Iterator[dict[str, t.Any]]:
        """Read one store, or skip it when its token lacks the scope (unless strict_scopes)."""
        if not context or "store_hash" not in context:
            raise BigCommerceError(f"Stream '{self.name}' was synced without a store context.")
        self.store_hash = context["store_hash"]
        if self.tap.scope_is_missing(self.store_hash, self.scope):
            return
        progress = self._progress = Progress(
            stream=self.name,
            store_hash=self.store_hash,
            api=self.api,
            logger=self.logger,
            interval=float(self.config.get("progress_interval_seconds", 30)),
        )
        try:
            writer = self._records_writer
            if writer is None:
                for record in self.read_records(context):
                    progress.record()
                    yield record
            else:
                self._write_records(self.read_records(context), writer, progress)
            if self.parent_stream_type is None:
                progress.log("done")
        except MissingScopeError as exc:
            if self.config.get("strict_scopes"):
                raise
            self.tap.record_missing_scope(self.store_hash, exc.scope, stream=self.name)

    def read_records(self, context: Context | None) -> Iterator[dict[str, t.Any]]:
        """The stream's records; a 403 from here skips the stream (see `get_records`)."""
        raise NotImplementedError

    @functools.cached_property
    def _records_writer(self) -> StateFlushingWriter | None:
        """The writer when the stream may write its records itself (see `_write_records`).

        Not with a dry-run record limit (`--test`), whose count the SDK's loop
        enforces, nor in batch mode, where the SDK writes the records to files.
        """
        if self.ABORT_AT_RECORD_COUNT is not None or self.config.get("batch_config"):
            return None
        return self._direct_writer

    def _write_records(
        self,
        records: Iterable[t.Any],
        writer: StateFlushingWriter,
        progress: Progress,
    ) -> None:
        """Normalise and write each record here instead of handing it to the SDK's loop.

        With every property selected and no stream map, the SDK's per-record loop
        (post-processing, partition keys, the state increment, the message) does
        nothing our own path does not: the window's bookmark is committed when the
        window has been read (`_commit_window`), not from each record. Skipping it
        saves several microseconds a record. The SDK's record counter and its
        STATE message every `STATE_MSG_FREQUENCY` records are kept.
        """
        line = self._direct_record_line()
        write = writer.write_record
        normalise = self.normalise
        count_record = progress.record
        counter = self._record_counter
        every = self.STATE_MSG_FREQUENCY
        written = 0
        for record in records:
            write(line, normalise(record))
            count_record()
            written += 1
            if written % every == 0:
                self.state_manager.is_flushed = False
                self._write_state_message()
        if counter is not None:
            counter.increment(written)
        if written:
            self.state_manager.is_flushed = False

    def get_record_counter(self, **kwargs: t.Any) -> metrics.Counter:
        """The SDK's record counter, kept for the records written by `_write_records`."""
        counter = super().get_record_counter(**kwargs)
        self._record_counter = counter
        return counter

    def generate_child_contexts(
        self, record: dict[str, t.Any], context: Context | None
    ) -> Iterable[Context | None]:
        """Children are synced per page from `sync_children`, never per record."""
        del record, context
        return ()

    def sync_children(self, parents: list[dict[str, t.Any]]) -> None:
        """Sync every selected child stream for this page of parent records.

        Called by the parent once per page, before the page's records are handed to
        the SDK: one child sync per page instead of one per parent record.
        """
        if self._progress is not None:
            self._progress.page()
        for child in self.child_streams:
            if isinstance(child, ChildStream) and (
                child.selected or child.has_selected_descendents
            ):
                child.receive(parents)
                child.sync(context={"store_hash": self.store_hash})


class ChildStream(BigCommerceStream):
    """A sub-resource of the parent's records, synced one parent page at a time.

    No state per parent (state stays O(streams)), and only the parents the parent
    stream read in this run: for an incremental parent, the ones changed.
    """

    state_partitioning_keys: t.ClassVar[list[str]] = []

    def __init__(self, tap: TapBigCommerce) -> None:
        super().__init__(tap)
        self._parents: Sequence[Mapping[str, t.Any]] = ()
        self._schema_sent = False

    def receive(self, parents: Sequence[Mapping[str, t.Any]]) -> None:
        self._parents = parents

    def read_records(self, context: Context | None) -> Iterator[dict[str, t.Any]]:
        del context
        parents, self._parents = self._parents, ()
        yield from self.records_for(parents)

    def records_for(self, parents: Sequence[Mapping[str, t.Any]]) -> Iterator[dict[str, t.Any]]:
        """The child records of these parents."""
        raise NotImplementedError

    @property
    def emit_activate_version_messages(self) -> bool:
        """Never: a run emits only the children of changed parents, not the whole table."""
        return False

    def _write_schema_message(self) -> None:
        """Once per run, although the stream is synced once per parent page."""
        if not self._schema_sent:
            self._schema_sent = True
            super()._write_schema_message()


class EmbeddedChildStream(ChildStream):
    """A sub-resource read from its parent's payload at no extra request."""

    def extract(self, parent: Mapping[str, t.Any]) -> Iterable[dict[str, t.Any]]:
        """The child records embedded in one parent record.

        Each must be a new dict (a shallow copy is enough): normalising a child adds
        fields, which must not appear in the parent's own payload.
        """
        raise NotImplementedError

    def records_for(self, parents: Sequence[Mapping[str, t.Any]]) -> Iterator[dict[str, t.Any]]:
        for parent in parents:
            yield from self.extract(parent)


class PerParentChildStream(ChildStream):
    """A sub-resource that costs a request (or more, paged at 250) per parent.

    `path` holds `{parent_id}`, filled from each parent's `id`; `parent_key` names
    the field that carries the parent's id in the child records.
    """

    parent_key: t.ClassVar[str]

    def records_for(self, parents: Sequence[Mapping[str, t.Any]]) -> Iterator[dict[str, t.Any]]:
        """The children of every parent, fetched concurrently, in parent order."""
        for parent, records in zip(
            parents,
            map_in_order(self._children_of, list(parents), pool=self.tap.child_pool),
            strict=True,
        ):
            for record in records:
                record.setdefault(self.parent_key, parent["id"])
                yield record

    def _children_of(self, parent: Mapping[str, t.Any]) -> list[dict[str, t.Any]]:
        return list(self.fetch(self.path.format(parent_id=parent["id"])))

    def fetch(self, path: str) -> Iterator[dict[str, t.Any]]:
        yield from read_list(self, path)


class IncrementalStream(BigCommerceStream):
    """A stream read by `date_modified` window and id keyset (DESIGN §3)."""

    replication_key = "date_modified"
    is_sorted = False  # keyset order is by id, not by date_modified

    def window(self, context: Context | None) -> Window:
        start = self.get_starting_timestamp(context)
        return Window(start=start, end=self.tap.window_end(self.store_hash))

    def pages(self, window: Window) -> Iterator[list[dict[str, t.Any]]]:
        """Every record in the window, a page at a time, by keyset on id."""
        raise NotImplementedError

    def read_records(self, context: Context | None) -> Iterator[dict[str, t.Any]]:
        window = self.window(context)
        if window.is_empty:
            self.logger.info(
                "Stream '%s': bookmark %s is after the window end %s; nothing to read.",
                self.name,
                window.start,
                window.end,
            )
        else:
            self.logger.info(
                "Stream '%s': reading date_modified from %s to %s (inclusive).",
                self.name,
                format_timestamp(window.start) if window.start else "the beginning",
                format_timestamp(window.end),
            )
            for page in self.pages(window):
                self.sync_children(page)
                yield from page
        self._commit_window(context, window)

    def _commit_window(self, context: Context | None, window: Window) -> None:
        """Move the bookmark to the window's end, now that the whole window has been read.

        Written as the SDK's progress marker, which the SDK promotes to the bookmark
        only when the stream finishes; the window end (not the largest value seen)
        is what makes the next run start exactly where this one's window stopped.
        """
        if window.is_empty:
            return
        state = self.get_context_state(context)
        markers = state.setdefault(
            PROGRESS_MARKERS, {"Note": "Progress is not resumable if interrupted."}
        )
        markers["replication_key"] = self.replication_key
        markers["replication_key_value"] = format_timestamp(window.end)

    def compare_start_date(self, value: str, start_date_value: str) -> str:
        """The later of bookmark and start_date, compared as instants, not strings."""
        return max(value, start_date_value, key=parse_timestamp)


class KeysetStream(IncrementalStream):
    """An incremental list read by keyset on id, in parallel id ranges when it is large.

    The first page is read from the low end of the window and, if it is full, one
    page from the high end; both are records the sync needs anyway. Whatever lies
    between is split into id ranges read concurrently (each by keyset), but only
    when there is enough of it that the ranges' partly filled last pages cost
    little: a small window costs exactly the pages it needs.
    """

    def fetch_range(
        self, window: Window, after_id: int, up_to_id: int | None, *, descending: bool = False
    ) -> list[dict[str, t.Any]]:
        """One page of the window's records with `after_id < id <= up_to_id`."""
        raise NotImplementedError

    def pages(self, window: Window) -> Iterator[list[dict[str, t.Any]]]:
        first = self.fetch_range(window, 0, None)
        if first:
            yield first
        if len(first) < PAGE_SIZE:
            return
        low = int(first[-1]["id"])
        last = self.fetch_range(window, low, None, descending=True)
        if last:
            yield last
        if len(last) < PAGE_SIZE:
            return  # the high-end page reached down to the first page: all read
        high = min(int(record["id"]) for record in last)
        ranges = split_id_range(low, high - 1, first, last, workers=self.tap.max_workers)
        producers = [
            functools.partial(self._range_pages, window, after, up_to) for after, up_to in ranges
        ]
        workers = self.tap.max_workers
        # A small queue: a page of orders with line items is several MB once decoded.
        yield from merge_concurrently(producers, workers=workers, buffer=2)

    def _range_pages(
        self, window: Window, after_id: int, up_to_id: int
    ) -> Iterator[list[dict[str, t.Any]]]:
        while after_id < up_to_id:
            page = self.fetch_range(window, after_id, up_to_id)
            if page:
                yield page
            if len(page) < PAGE_SIZE:
                return
            after_id = int(page[-1]["id"])


def split_id_range(
    after_id: int,
    up_to_id: int,
    first: Sequence[Mapping[str, t.Any]],
    last: Sequence[Mapping[str, t.Any]],
    *,
    workers: int,
) -> list[tuple[int, int]]:
    """Split `(after_id, up_to_id]` into ranges worth reading concurrently.

    The density of ids seen in the first and last pages estimates how many pages
    the middle holds; each range gets at least MIN_PAGES_PER_RANGE of them, so the
    partly filled last page of each range adds at most a few percent of requests.
    """
    if up_to_id <= after_id:
        return []
    span_seen = 0
    for page in (first, last):
        ids = [int(record["id"]) for record in page]
        span_seen += max(ids) - min(ids) + 1
    density = (len(first) + len(last)) / max(span_seen, 1)
    estimated_pages = (up_to_id - after_id) * density / PAGE_SIZE
    count = max(1, min(workers, int(estimated_pages // MIN_PAGES_PER_RANGE)))
    step = (up_to_id - after_id) / count
    bounds = [after_id + round(step * i) for i in range(count)] + [up_to_id]
    return [(bounds[i], bounds[i + 1]) for i in range(count) if bounds[i + 1] > bounds[i]]


MIN_PAGES_PER_RANGE = 4


class V2KeysetStream(KeysetStream):
    """A v2 list (bare JSON arrays, 204 past the end) read with `min_id`/`max_id` keyset."""

    extra_params: t.ClassVar[dict[str, str]] = {}

    def fetch_range(
        self, window: Window, after_id: int, up_to_id: int | None, *, descending: bool = False
    ) -> list[dict[str, t.Any]]:
        params: dict[str, t.Any] = {
            **self.extra_params,
            "max_date_modified": format_timestamp(window.end),
            "sort": "id:desc" if descending else "id:asc",
            "limit": PAGE_SIZE,
            "min_id": after_id + 1,
        }
        if window.start is not None:
            params["min_date_modified"] = format_timestamp(window.start)
        if up_to_id is not None:
            params["max_id"] = up_to_id
        return _expect_list(self.get(params, typed=True), self.name)


class V3KeysetStream(KeysetStream):
    """A v3 list (`data` + `meta.pagination`) read with `id:greater`/`id:max` keyset."""

    include: t.ClassVar[str | None] = None
    """Sub-resources to embed (`include=`): they cost no request and feed child streams."""

    def fetch_range(
        self, window: Window, after_id: int, up_to_id: int | None, *, descending: bool = False
    ) -> list[dict[str, t.Any]]:
        params: dict[str, t.Any] = {
            "date_modified:max": format_timestamp(window.end),
            "sort": "id",
            "direction": "desc" if descending else "asc",
            "limit": PAGE_SIZE,
            "id:greater": after_id,
        }
        if window.start is not None:
            params["date_modified:min"] = format_timestamp(window.start)
        if up_to_id is not None:
            params["id:max"] = up_to_id
        if self.include:
            params["include"] = self.include
        page, _ = _expect_v3(self.get(params, typed=True), self.name)
        return page


class V3CursorStream(IncrementalStream):
    """A v3 list with cursor pagination (`after=end_cursor`), e.g. customers."""

    include: t.ClassVar[str | None] = None

    def pages(self, window: Window) -> Iterator[list[dict[str, t.Any]]]:
        params: dict[str, t.Any] = {"date_modified:max": format_timestamp(window.end)}
        if window.start is not None:
            params["date_modified:min"] = format_timestamp(window.start)
        if self.include:
            params["include"] = self.include
        yield from read_cursor_pages(self, self.path, params, typed=True)


class FullTableStream(BigCommerceStream):
    """A list read whole on every run (small, or without a modification date to filter on)."""

    def read_records(self, context: Context | None) -> Iterator[dict[str, t.Any]]:
        del context
        for page in read_pages(self, self.path, typed=True):
            self.sync_children(page)
            yield from page


class V2SingletonStream(BigCommerceStream):
    """A v2 endpoint that returns one object (store information)."""

    def read_records(self, context: Context | None) -> Iterator[dict[str, t.Any]]:
        del context
        body = self.get()
        if not isinstance(body, dict):
            raise BigCommerceError(
                f"Stream '{self.name}': expected a JSON object from {self.path}, "
                f"got {type(body).__name__}."
            )
        yield body


def _expect_list(body: t.Any, stream: str) -> list[dict[str, t.Any]]:
    if body is None:
        return []
    if not isinstance(body, list):
        raise BigCommerceError(
            f"Stream '{stream}': expected a JSON array from the v2 API, got "
            f"{type(body).__name__}. The api_url may point at something other than BigCommerce."
        )
    return body


def _expect_v3(body: t.Any, stream: str) -> tuple[list[dict[str, t.Any]], dict[str, t.Any]]:
    if body is None:
        return [], {}
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise BigCommerceError(
            f"Stream '{stream}': expected a v3 response with a `data` list, got "
            f"{type(body).__name__}. The api_url may point at something other than BigCommerce."
        )
    pagination = (body.get("meta") or {}).get("pagination") or {}
    return body["data"], pagination


class ListChangedError(BigCommerceError):
    """A page-numbered list changed size while it was read, more often than we retry."""


PAGE_NUMBER_ATTEMPTS = 3


def read_pages(
    stream: BigCommerceStream, path: str, *, typed: bool = False
) -> Iterator[list[dict[str, t.Any]]]:
    """Every page of a full list, v2 or v3, at 250 per page.

    Page numbers shift when records are created or deleted during the read, which
    could skip a record at a page edge. A v3 list says its total on every page: if
    the total changes mid-read, the list is read again (duplicates are harmless,
    targets de-duplicate on the primary key; losses are not).
    """
    is_v3 = path.startswith("/v3/")
    for _attempt in range(PAGE_NUMBER_ATTEMPTS):
        total: int | None = None
        changed = False
        page_number = 1
        while True:
            body = stream.get({"page": page_number, "limit": PAGE_SIZE}, path=path, typed=typed)
            if is_v3:
                page, pagination = _expect_v3(body, stream.name)
                if total is None:
                    total = pagination.get("total")
                elif pagination.get("total") != total:
                    changed = True
                    break
                if page:
                    yield page
                if not page or pagination.get("total_pages", 1) <= page_number:
                    return
            else:
                page = _expect_list(body, stream.name)
                if page:
                    yield page
                if len(page) < PAGE_SIZE:
                    return
            page_number += 1
        if changed:
            stream.logger.info(
                "Stream '%s': %s changed size while read; reading it again.", stream.name, path
            )
    raise ListChangedError(
        f"Stream '{stream.name}': {path} kept changing size while it was read "
        f"({PAGE_NUMBER_ATTEMPTS} attempts). Run the sync again when the store is quieter."
    )


def read_list(stream: BigCommerceStream, path: str) -> Iterator[dict[str, t.Any]]:
    for page in read_pages(stream, path):
        yield from page


# --- The full catalog's extra read patterns (issue 5) ---------------------------------------
#
# Added at the end so that the paging internals above can change independently. Each class
# names what it costs per run in `cost`, which the README's streams table shows.


def read_cursor_pages(
    stream: BigCommerceStream,
    path: str,
    params: Mapping[str, t.Any] | None = None,
    *,
    typed: bool = False,
) -> Iterator[list[dict[str, t.Any]]]:
    """Every page of a v3 cursor list (`after=end_cursor`), 250 per page.

    Cursors are keysets: records created or edited while the list is read cannot
    shift another record out of the pages still to come.
    """
    base = {**(params or {}), "limit": PAGE_SIZE}
    cursor: str | None = None
    while True:
        body = stream.get(
            base if cursor is None else {**base, "after": cursor}, path=path, typed=typed
        )
        page, _ = _expect_v3(body, stream.name)
        cursor_meta = ((body or {}).get("meta") or {}).get("cursor_pagination") or {}
        if page:
            yield page
        next_cursor = cursor_meta.get("end_cursor")
        has_next = bool((cursor_meta.get("links") or {}).get("next"))
        if not page or not has_next or not next_cursor or next_cursor == cursor:
            return
        cursor = next_cursor


class CursorChildStream(PerParentChildStream):
    """A per-parent sub-resource paged by cursor (e.g. promotion codes)."""

    cost: t.ClassVar[str] = "1 per parent read in the run (per 250 children)"

    def fetch(self, path: str) -> Iterator[dict[str, t.Any]]:
        for page in read_cursor_pages(self, path):
            yield from page


class CreatedWindowStream(IncrementalStream):
    """A v3 list of records that never change once created (refunds), read by `created` window.

    Only `created:min`/`created:max` and page numbers are offered. Page numbers are
    safe here: the window is closed at the store's clock and its records are
    immutable, so nothing enters, leaves or moves inside it while it is read.
    """

    replication_key = "created"
    cost: t.ClassVar[str] = "1 per 250 records created in the window (at least 1)"

    def pages(self, window: Window) -> Iterator[list[dict[str, t.Any]]]:
        params: dict[str, t.Any] = {"created:max": format_timestamp(window.end)}
        if window.start is not None:
            params["created:min"] = format_timestamp(window.start)
        page_number = 1
        while True:
            body = self.get({**params, "page": page_number, "limit": PAGE_SIZE}, typed=True)
            page, pagination = _expect_v3(body, self.name)
            if page:
                yield page
            if not page or pagination.get("total_pages", 1) <= page_number:
                return
            page_number += 1


class PerParentWindowStream(IncrementalStream):
    """A per-parent list that filters by `date_modified` and pages by cursor.

    The parents (a short list: price lists, channels) are listed in full, then each
    parent's children are read inside the run's one window, so the bookmark stays
    one value per store (O(streams) state) and an unchanged parent costs a single
    empty page. `path` holds `{parent_id}`; `parent_path` lists the parents.
    """

    parent_path: t.ClassVar[str]
    parent_name: t.ClassVar[str]
    parent_key: t.ClassVar[str]
    cost: t.ClassVar[str] = "1 per 250 parents + 1 per parent (per 250 changed records)"

    def pages(self, window: Window) -> Iterator[list[dict[str, t.Any]]]:
        params: dict[str, t.Any] = {"date_modified:max": format_timestamp(window.end)}
        if window.start is not None:
            params["date_modified:min"] = format_timestamp(window.start)
        parent_ids = [parent["id"] for parent in read_list(self, self.parent_path)]
        for parent_id in parent_ids:
            path = self.path.format(parent_id=parent_id)
            for page in read_cursor_pages(self, path, params):
                for record in page:
                    record.setdefault(self.parent_key, parent_id)
                yield page


def embedded_child_keys(parent: str, plan: FieldPlan) -> dict[str, frozenset[str]]:
    """The keys each embedded child adds to its copies of the parent's nested records.

    By level path (`consignments.shipping.`): the child's declared properties that
    the parent does not declare there (the parent's id, the store).
    """
    added: dict[str, frozenset[str]] = {}
    for embedding in EMBEDDINGS:
        if embedding.parent != parent:
            continue
        child = frozenset(load_schema(embedding.child)["properties"]) | {"store_hash"}
        for at in embedding.at:
            level = plan.at(at)
            added[level.path] = added.get(level.path, frozenset()) | (child - level.declared)
    return added


def request_cost(stream_type: type[BigCommerceStream]) -> str:
    """What one run of the stream costs in requests (the README's streams table)."""
    explicit = getattr(stream_type, "cost", None)
    if isinstance(explicit, str):
        return explicit
    if issubclass(stream_type, EmbeddedChildStream):
        return "0 (inside its parent's pages)"
    if issubclass(stream_type, PerParentChildStream):
        return "1 per parent read in the run (per 250 children)"
    if issubclass(stream_type, IncrementalStream):
        return "1 per 250 changed records (at least 1)"
    if issubclass(stream_type, V2SingletonStream):
        return "1"
    return "1 per 250 records"
