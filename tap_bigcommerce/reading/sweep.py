"""Deletion sweeps: records the store removed, reported with `_sdc_deleted_at`.

BigCommerce keeps deleted orders behind `is_deleted` (`deleted.WithDeleted`); everything
else a store deletes simply stops being listed, and an incremental read never hears of
it. A stream that declares `deletes = DeleteSweep(...)` keeps, in its per-store state
under `"deletes"`, the ids it knows exist (`id_ranges.IdRanges`), and compares them with
the ids the store lists now: each id that vanished becomes one record of the primary key
and `_sdc_deleted_at` (so do the children embedded in the parent the sweep reads, such as
a product's variants).

* Which ids are known: those of the last sweep's listing, plus those every run since
  wrote. So a record created and deleted between two sweeps is reported, and an id
  created after a sweep began is never among the known ones, so it is never reported.
* When: a stream read whole on every run (`full_read`) takes its listing from that
  read at no request, and checks the vanished ids with the list's exact id filter
  before reporting them (page numbers may shift under deletes). An incremental stream
  lists its ids (`id_listing`) after its read, once `deletes_sweep_interval_hours`
  have passed since its last sweep.
* Exactness: the state moves only after the deletions are written, so a sweep cut short
  reports nothing and is redone; the first sweep (state without the key) only records,
  and a first read of the whole table is that first sweep, at no request.
* Size: a set above `deletes_max_id_ranges` ranges is not kept; the stream's deletes
  are then not captured, with a warning naming the stream (see the README).

Deletion records go out under a SCHEMA of the key and `_sdc_deleted_at` only, then the
full SCHEMA again: a target that upserts by key (target-postgres) updates those columns
and keeps the rest of the row as it last was, instead of overwriting it with nulls. The
stream's own schema does not declare `_sdc_deleted_at`: no record it describes carries
it (the SDK's standard tap tests require every declared property to appear in records),
and targets add the column from the deletion SCHEMA, or as record metadata.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from collections.abc import Mapping

from singer_sdk.singerlib import RecordMessage, SchemaMessage

from tap_bigcommerce import sdk_seam
from tap_bigcommerce.dates import format_timestamp, parse_timestamp
from tap_bigcommerce.reading.id_ranges import IdRanges

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context
    from singer_sdk.streams import Stream

    from tap_bigcommerce.reading.id_listing import IdListing
    from tap_bigcommerce.reading.pages import Page, PageSource

STATE_KEY = "deletes"
DELETED_AT = "_sdc_deleted_at"
DELETED_AT_PROPERTY = {
    "type": ["null", "string"],
    "format": "date-time",
    "description": "When the tap found the record deleted from the store (null while it exists).",
}
DEFAULT_INTERVAL_HOURS = 24
DEFAULT_MAX_RANGES = 10_000


class DeleteSweep:
    """A stream's declaration that its deletes are captured (see the module docstring).

    `children`: child stream name -> the parent's field that embeds its records (the
    sweep reads them with the parent, at no extra request). `full_read`: the stream is
    read whole every run, so that read is the listing.
    """

    def __init__(
        self,
        listing: IdListing,
        *,
        children: Mapping[str, str] | None = None,
        full_read: bool = False,
    ) -> None:
        self.listing = listing
        self.children = dict(children or {})
        self.full_read = full_read


def sweep_of(stream_type: type[Stream]) -> DeleteSweep | None:
    """The sweep that covers a stream: its own, or its parent's that embeds it."""
    own = getattr(stream_type, "deletes", None)
    if isinstance(own, DeleteSweep):
        return own
    parent = getattr(stream_type, "parent_stream_type", None)
    parent_sweep = getattr(parent, "deletes", None)
    name = getattr(stream_type, "name", None)
    if isinstance(parent_sweep, DeleteSweep) and name in parent_sweep.children:
        return parent_sweep
    return None


def start_sweep(stream: Stream, context: Context | None) -> SweepRun | None:
    """The stream's sweep for this store and run, when it declares one and may run it.

    Never in a dry run (`--test`: records are cut short, so ids would seem to vanish).
    """
    sweep = getattr(type(stream), "deletes", None)
    if not isinstance(sweep, DeleteSweep) or not context or "store_hash" not in context:
        return None
    if not stream.config.get("capture_deletes", True) or stream.ABORT_AT_RECORD_COUNT is not None:
        return None
    return SweepRun(stream, context, sweep)


def _ids(page: Page, field: str | None = None) -> list[int]:
    out = []
    for record in page:
        items = record.get(field) if field else [record]
        for item in items if isinstance(items, list) else ():
            ident = item.get("id")
            if type(ident) is int:
                out.append(ident)
    return out


class SweepRun:
    """One stream's sweep for one store and run: ids seen, then the comparison."""

    def __init__(self, stream: Stream, context: Context, sweep: DeleteSweep) -> None:
        self.stream = stream
        self.context = context
        self.sweep = sweep
        self.children = {
            child.name: child
            for child in stream.child_streams
            if child.name in sweep.children and child.selected
        }
        self.seen: dict[str, set[int]] = {name: set() for name in (stream.name, *self.children)}
        config = stream.config
        self.interval = dt.timedelta(
            hours=int(config.get("deletes_sweep_interval_hours", DEFAULT_INTERVAL_HOURS))
        )
        self.max_ranges = int(config.get("deletes_max_id_ranges", DEFAULT_MAX_RANGES))
        # A read from the very beginning (no bookmark, no start_date) writes every id the
        # store had up to the window's end: that is the first sweep's baseline, no listing
        # needed (an id it missed was created or edited later, and no run wrote it yet).
        self.reads_whole_table = (
            stream.replication_key is not None and stream.get_starting_timestamp(context) is None
        )

    def see(self, page: Page) -> None:
        """Ids this run wrote (the stream's and its embedded children's)."""
        self.seen[self.stream.name].update(_ids(page))
        for name in self.children:
            self.seen[name].update(_ids(page, self.sweep.children[name]))

    def finish(self, source: PageSource, writer: t.Any) -> None:
        """After the stream's read: sweep if due, else add this run's ids to the known ones."""
        state = self.stream.get_context_state(self.context)
        stored = state.get(STATE_KEY)
        old: Mapping[str, t.Any] = stored if isinstance(stored, dict) else {}
        # The store's clock where the run read it (the interval then follows the store,
        # not this machine); a list read whole needs no clock, so it takes this machine's.
        now = (
            dt.datetime.now(dt.timezone.utc)
            if self.sweep.full_read
            else source.store.clock.window_end()
        )
        known = {name: _known(old, name, self.stream.name) for name in self.seen}
        seen = {name: IdRanges.of(ids) for name, ids in self.seen.items()}
        ranges: dict[str, IdRanges | None] = {}
        if not self._due(old, now):
            for name, before in known.items():
                ranges[name] = None if before is None else before.union(seen[name])
            self._store_state(state, old.get("swept_at"), ranges)
            return
        if self.reads_whole_table and all(known[name] is None for name in self.seen):
            self._store_state(state, format_timestamp(now), seen)
            return
        listed = seen if self.sweep.full_read else self._list(source)
        deleted_at = format_timestamp(now)
        for name, now_ids in listed.items():
            before = known[name]
            if before is None:  # first sweep (or after a fallback): record only
                ranges[name] = now_ids
                continue
            before = before.union(seen[name])
            vanished = before.minus(now_ids)
            if vanished and self.sweep.full_read:
                # A page-numbered read may have skipped a record that a delete shifted
                # across a page edge: only ids the list's id filter lacks are deleted.
                present = IdRanges.of(self.sweep.listing.still_there(source, vanished))
                vanished = vanished.minus(present)
                now_ids = now_ids.union(present)
            self._write_deletions(name, vanished, deleted_at, writer)
            ranges[name] = now_ids.intersection(before)
        self._store_state(state, format_timestamp(now), ranges)

    def _due(self, old: Mapping[str, t.Any], now: dt.datetime) -> bool:
        if self.sweep.full_read:
            return True
        swept_at = old.get("swept_at")
        try:
            last = parse_timestamp(swept_at) if isinstance(swept_at, str) else None
        except ValueError:
            last = None
        return last is None or now - last >= self.interval

    def _list(self, source: PageSource) -> dict[str, IdRanges]:
        stream = self.stream
        include = [self.sweep.children[name] for name in self.children]
        ids: dict[str, set[int]] = {name: set() for name in self.seen}
        requests = 0
        for page in self.sweep.listing.list_pages(source, include):
            requests += 1
            ids[stream.name].update(_ids(page))
            for name in self.children:
                ids[name].update(_ids(page, self.sweep.children[name]))
        stream.logger.info(
            "Stream '%s' (store %s): deletion sweep listed %d ids in about %d pages.",
            stream.name,
            self.context.get("store_hash"),
            len(ids[stream.name]),
            max(requests, 1),
        )
        return {name: IdRanges.of(values) for name, values in ids.items()}

    def _store_state(
        self,
        state: dict[str, t.Any],
        swept_at: str | None,
        ranges: Mapping[str, IdRanges | None],
    ) -> None:
        entry: dict[str, t.Any] = {"swept_at": swept_at}
        too_large: dict[str, int] = {}
        for name, value in ranges.items():
            kept = value
            if value is not None and value.size > self.max_ranges:
                too_large[name] = value.size
                kept = None
            stored = None if kept is None else kept.to_json()
            if name == self.stream.name:
                entry["ids"] = stored
            else:
                entry.setdefault("children", {})[name] = stored
        if too_large:
            entry["too_large"] = too_large
            self.stream.logger.warning(
                "Store %s: deletes are not captured for %s: their ids form more ranges "
                "than deletes_max_id_ranges (%d) allows in the state. Raise it to capture them.",
                self.context.get("store_hash"),
                ", ".join(f"'{name}' ({size} ranges)" for name, size in sorted(too_large.items())),
                self.max_ranges,
            )
        state[STATE_KEY] = entry

    def _write_deletions(
        self, name: str, vanished: IdRanges, deleted_at: str, writer: t.Any
    ) -> None:
        stream = self.children.get(name, self.stream)
        if not vanished or not stream.selected:  # a parent read only for its children
            return
        store_hash = self.context["store_hash"]
        keys = list(stream.primary_keys or ())
        properties = stream.schema["properties"]
        schema = {
            "type": "object",
            "properties": {
                **{key: properties[key] for key in keys},
                DELETED_AT: DELETED_AT_PROPERTY,
            },
        }
        key_field = next(key for key in keys if key != "store_hash")
        aliases = [stream_map.stream_alias for stream_map in stream.stream_maps]
        for alias in aliases:
            writer.write_message(SchemaMessage(stream=alias, schema=schema, key_properties=keys))
            for ident in vanished:
                record = {"store_hash": store_hash, key_field: ident, DELETED_AT: deleted_at}
                writer.write_message(RecordMessage(stream=alias, record=record))
        sdk_seam.write_schema(stream)
        stream.logger.info(
            "Stream '%s' (store %s): %d records were deleted from the store since the "
            "last sweep; written with %s.",
            name,
            store_hash,
            len(vanished),
            DELETED_AT,
        )


def _known(old: Mapping[str, t.Any], name: str, parent: str) -> IdRanges | None:
    value = old.get("ids") if name == parent else (old.get("children") or {}).get(name)
    return IdRanges.from_json(value)
