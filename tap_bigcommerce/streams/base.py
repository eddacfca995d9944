"""The one stream base class: a BigCommerce resource, its store, and where its records go.

A stream is a declaration: `name`, `path`, `scope`, its `pager` (how its list is read,
see `reading`), and for a child its `parent_stream_type`. This class does the rest
for every stream alike:

* it reads one store at a time (one SDK partition per store, so each store keeps its
  own bookmark), through the store's context (`context.StoreContext`);
* incremental streams read the run's window and commit it when done
  (`reading.windows`);
* each page goes first to the stream's children (`reading.children`), then out;
* records are conformed to the schema (`records`, `decoding`) and written either
  straight to the output or through the SDK's own loop (`sdk_seam`);
* a token without the stream's scope skips the stream with a warning naming it.
"""

from __future__ import annotations

import functools
import typing as t
from collections.abc import Iterator, Mapping

import msgspec
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.streams import Stream
from typing_extensions import override

from tap_bigcommerce import sdk_seam
from tap_bigcommerce.dates import parse_timestamp
from tap_bigcommerce.decoding import PageDecoder, Unsupported, embedded_child_keys
from tap_bigcommerce.errors import BigCommerceError, MissingScopeError, NotFoundError
from tap_bigcommerce.keys import RecordKeys
from tap_bigcommerce.reading.checkpoint import apply as apply_checkpoint
from tap_bigcommerce.reading.children import ChildFanOut
from tap_bigcommerce.reading.pages import is_opening
from tap_bigcommerce.reading.progress import Progress
from tap_bigcommerce.reading.sweep import start_sweep
from tap_bigcommerce.reading.windows import commit_window, open_window
from tap_bigcommerce.records import FieldPlan
from tap_bigcommerce.schemas import load_schema
from tap_bigcommerce.typed import TypedRecord

if t.TYPE_CHECKING:
    from singer_sdk import Tap, metrics
    from singer_sdk.helpers.types import Context

    from tap_bigcommerce.context import StoreContext
    from tap_bigcommerce.reading.ahead import AheadStores, ReadAhead
    from tap_bigcommerce.reading.pager import ChildPager, Pager
    from tap_bigcommerce.reading.pages import Page
    from tap_bigcommerce.reading.windows import Window

STORE_HASH_PROPERTY = {
    "type": ["string"],
    "description": "The store the record comes from (part of every primary key).",
}


class BigCommerceStream(Stream):
    """A BigCommerce resource (see the module docstring)."""

    path: t.ClassVar[str]
    """Endpoint below `/stores/{hash}`, e.g. `/v2/orders` (`{parent_id}` for per-parent lists)."""
    scope: t.ClassVar[str]
    """The OAuth scope the endpoint needs (named in 403 errors and the streams table)."""
    pager: t.ClassVar[Pager | ChildPager]
    """How the records are read: a `Pager` for a top-level stream, a `ChildPager` for a child."""
    cost: t.ClassVar[str | None] = None
    """What a run costs in requests, when it differs from what the pager says."""
    primary_keys: t.ClassVar[tuple[str, ...]] = ("store_hash", "id")

    @override
    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        """Derive from the pager what the SDK asks of the stream class.

        A windowed pager makes the stream incremental on its key; a child that costs a
        request per parent is not selected by default, since its cost grows with the
        parent's table (a first sync of a large store would take hours).
        """
        super().__init_subclass__(**kwargs)
        pager = cls.__dict__.get("pager")
        if pager is None:
            return
        key = getattr(pager, "replication_key", None)
        if key is not None and "replication_key" not in cls.__dict__:
            cls.replication_key = key  # type: ignore[method-assign]
            cls.is_sorted = False  # type: ignore[assignment]  # keyset order is by id
        if getattr(pager, "per_parent_requests", False) and "selected_by_default" not in (
            cls.__dict__
        ):
            cls.selected_by_default = False

    def __init__(self, tap: Tap) -> None:
        schema = load_schema(self.name)
        schema.setdefault("properties", {})["store_hash"] = dict(STORE_HASH_PROPERTY)
        super().__init__(tap=tap, schema=schema)
        self._stores = t.cast("AheadStores", tap)
        self._writer = tap.message_writer
        self._field_plan = FieldPlan(schema, stream=self.name)
        self._keys = RecordKeys(
            self.name, schema, self.primary_keys, getattr(self.pager, "replication_key", None)
        )
        self._undeclared_seen: set[str] = set()
        self._record_counter: metrics.Counter | None = None
        self._store: StoreContext | None = None
        self._answered = 0
        self.ahead_of_turn = False
        """Read before its turn (`reading.ahead`): its requests yield to the turn's."""
        """Requests of this stream the store answered (a 404 on the first is a missing list)."""
        self.store_hash = ""
        """The store being read: a stream reads one store (one partition) at a time."""
        # The tap conforms records itself (`normalise`); the SDK's recursive
        # conformance runs too when the fast record path is off.
        self.TYPE_CONFORMANCE_LEVEL = (
            TypeConformanceLevel.NONE
            if sdk_seam.fast_record_path(tap.config)
            else TypeConformanceLevel.RECURSIVE
        )

    # --- the store --------------------------------------------------------------------

    @property
    def store(self) -> StoreContext:
        if self._store is None:
            raise BigCommerceError(f"Stream '{self.name}' was read without a store.")
        return self._store

    def enter_store(self, store: StoreContext) -> None:
        if self._store is not store:
            self._answered = 0
        self._store = store
        self.store_hash = store.store_hash

    @property
    @override
    def partitions(self) -> list[dict[str, t.Any]] | None:
        """One partition per store, so that each store keeps its own bookmark."""
        if self.parent_stream_type is not None:
            return None
        return [{"store_hash": store_hash} for store_hash in self._stores.store_hashes]

    def get(
        self,
        params: Mapping[str, t.Any] | None = None,
        path: str | None = None,
        *,
        typed: bool = False,
        check: t.Callable[[t.Any], None] | None = None,
    ) -> t.Any:
        """The decoded body of one GET (None for BigCommerce's 204 past the last page).

        `typed`: the body is a page of this stream's own records, decoded into
        conformed `TypedRecord`s (see `decoding`) when its records are written directly.
        `check`: raises `InvalidResponseError` for a body that cannot be right (retried).
        """
        decoder = self._page_decoder if typed and self._typed_pages else None
        body = self.store.api.get(
            path or self.path,
            params,
            scope=self.scope,
            stream=self.name,
            decode=decoder.decode if decoder is not None else None,
            check=check,
            urgent=not self.ahead_of_turn or is_opening(),
        ).body
        self._answered += 1
        return body

    # --- records ----------------------------------------------------------------------

    @functools.cached_property
    def _page_decoder(self) -> PageDecoder | None:
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
        """Tag the record with its store, conform it to the schema, check its keys.

        A `TypedRecord` was conformed while its page was decoded (see `records`,
        `decoding`); a record without usable keys fails the run (see `keys`).
        """
        if isinstance(record, TypedRecord):
            record.store_hash = self.store_hash  # type: ignore[attr-defined]
        else:
            record["store_hash"] = self.store_hash
            dropped = self._field_plan.apply(record)
            if dropped:
                self._warn_undeclared(dropped)
        self._keys.check(record)
        return record

    @staticmethod
    def plain(record: t.Any) -> dict[str, t.Any]:
        """The record as a dict, for the SDK's path."""
        if isinstance(record, TypedRecord):
            return t.cast("dict[str, t.Any]", msgspec.to_builtins(record))
        return t.cast("dict[str, t.Any]", record)

    def prepare_page(self, page: Page) -> None:
        """Complete a page's records before children and output see them (default: nothing)."""

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

    @override
    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        del context
        return t.cast("dict[str, t.Any]", self.normalise(row))

    @override
    def get_record_counter(self, **kwargs: t.Any) -> metrics.Counter:
        """The SDK's record counter, kept for the records the stream writes itself."""
        counter = super().get_record_counter(**kwargs)
        self._record_counter = counter
        return counter

    @override
    def generate_child_contexts(
        self, record: dict[str, t.Any], context: Context | None
    ) -> t.Iterable[Context | None]:
        """None: children get each page of records at once (`reading.children`)."""
        del record, context
        return ()

    @override
    def compare_start_date(self, value: str, start_date_value: str) -> str:
        """The later of bookmark and start_date, compared as instants, not strings."""
        return max(value, start_date_value, key=parse_timestamp)

    # --- the sync ---------------------------------------------------------------------

    @functools.cached_property
    def _direct(self) -> sdk_seam.DirectRecords | None:
        writer = sdk_seam.direct_writer(self, self._writer)
        return None if writer is None else sdk_seam.DirectRecords(self, writer)

    @functools.cached_property
    def _fan_out(self) -> ChildFanOut | None:
        fan_out = ChildFanOut(self, self._writer)
        return fan_out or None

    @functools.cached_property
    def _typed_pages(self) -> bool:
        return self._direct is not None and (self._fan_out is None or self._fan_out.typed)

    @override
    def get_records(self, context: Context | None) -> Iterator[dict[str, t.Any]]:
        """Read one store's records, or skip the store when its token lacks the scope."""
        if not context or "store_hash" not in context:
            raise BigCommerceError(f"Stream '{self.name}' was synced without a store context.")
        store = self._stores.store_context(context["store_hash"])
        self.enter_store(store)
        self.ahead_of_turn = False  # its turn: its requests go first from now on
        ahead = self._read_ahead(store)
        if self.scope in store.scopes:
            if ahead is not None:
                ahead.close()
            return
        progress = ahead.progress if ahead is not None else self.new_progress(store)
        fan_out, direct = self._fan_out, self._direct
        limit = self.ABORT_AT_RECORD_COUNT
        finished = False
        sweep = start_sweep(self, context)  # deletes (`reading.sweep`)
        try:
            yielded = 0
            for page in self._pages(context, store, progress, ahead):
                progress.page()
                self.prepare_page(page)
                if sweep is not None:
                    sweep.see(page)
                if fan_out is not None:
                    fan_out.deliver(store, page)
                if direct is not None:
                    direct.write(
                        page,
                        normalise=self.normalise,
                        counter=self._record_counter,
                        on_record=progress.record,
                        periodic_state=True,
                    )
                    continue
                for record in page:
                    progress.record()
                    yield record
                    yielded += 1
                    if limit is not None and yielded >= limit:
                        # A dry run (`--test`): enough read, and no bookmark may move.
                        sdk_seam.discard_progress(self, context)
                        finished = True
                        return
            progress.log("done")
            if sweep is not None:
                sweep.finish(self, self._writer)
            finished = True
        except MissingScopeError as exc:
            if self.config.get("strict_scopes"):
                raise
            store.scopes.record(exc.scope, stream=self.name)
            finished = True
        except NotFoundError as exc:
            if self._answered or exc.path != self.path or self.config.get("strict_endpoints"):
                raise
            self.logger.warning(
                "Stream '%s' (store %s): %s The list is not available on this store, "
                "most likely a feature the store or its plan lacks; the stream is skipped "
                "(its bookmark stays). Set strict_endpoints to make this an error.",
                self.name,
                store.store_hash,
                exc,
            )
            finished = True
        finally:
            last_store = context["store_hash"] == self._stores.store_hashes[-1]
            if fan_out is not None and (last_store or not finished):
                fan_out.close()

    def new_progress(self, store: StoreContext) -> Progress:
        """The progress line of one read of the store."""
        return Progress(
            stream=self.name,
            store_hash=store.store_hash,
            api=store.api,
            logger=self.logger,
            interval=float(self.config.get("progress_interval_seconds", 30)),
            record_path=sdk_seam.record_path_name(self._direct is not None, self.config),
        )

    def read(self, window: Window | None) -> Iterator[Page]:
        """The pages of one read of the store entered (of the window, when windowed)."""
        return t.cast("Pager", self.pager).pages(self, window)

    def _read_ahead(self, store: StoreContext) -> ReadAhead | None:
        """This read, if it was started ahead of its turn; and the next streams' reads begin.

        Not in a dry run (`--test`: a few records of each stream, then stop) nor with a
        single worker (`max_workers: 1`: one request at a time, in order).
        """
        stores = self._stores
        aheads = stores.read_aheads
        if aheads.depth <= 0 or self.ABORT_AT_RECORD_COUNT is not None or store.max_workers <= 1:
            return None
        mine = aheads.take(self.name, store.store_hash)
        first = stores.store_context(stores.store_hashes[0])
        aheads.start_after(self.name, stores.sync_order(), first, {"store_hash": first.store_hash})
        return mine

    def _pages(
        self,
        context: Context,
        store: StoreContext,
        progress: Progress,
        ahead: ReadAhead | None,
    ) -> Iterator[Page]:
        pager = t.cast("Pager", self.pager)
        if not pager.windowed:
            if ahead is not None:
                yield from ahead.pages(lambda saved: None)  # unwindowed reads save nothing
            else:
                yield from pager.pages(self, None)
            return
        window = open_window(self, context, store)
        if ahead is not None and not ahead.matches(window):
            self.logger.info(
                "Stream '%s' (store %s): the read started ahead was of another window; "
                "reading this one on its turn.",
                self.name,
                store.store_hash,
            )
            ahead.close()
            ahead = None
        window.checkpoint.progress = progress
        if not window.is_empty:
            if ahead is not None:
                yield from ahead.pages(functools.partial(apply_checkpoint, self, context))
            else:
                yield from pager.pages(self, window)
        commit_window(self, context, window)
