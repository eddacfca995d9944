"""Child streams, written a page of parents at a time, as one sync per child and run.

The SDK syncs a child once per parent record, with a state partition per parent; for
an order's line items that is a sync, a start line and a set of metrics per order, and
state that grows with the store (DESIGN §5). Here the parent hands each page of its
records to its selected children (`ChildFanOut.deliver`); each child turns the page
into its records with its `ChildPager` (read from the payload at no request, or
fetched concurrently) and writes them through its `ChildOutput`, which looks to a
target like one sync of the child: one start line, one SCHEMA message, one set of
metrics when the parent is done, and in BATCH mode files of `batch_size` records.

Children keep no state (state stays O(streams)) and read only the parents the parent
read in this run; a deleted parent (`is_deleted`) has no children left to read.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterable, Sequence

from tap_bigcommerce import sdk_seam
from tap_bigcommerce.errors import MissingScopeError
from tap_bigcommerce.reading.pager import ChildPager

if t.TYPE_CHECKING:
    from singer_sdk import metrics
    from singer_sdk.streams import Stream

    from tap_bigcommerce.context import StoreContext
    from tap_bigcommerce.reading.pages import Record
    from tap_bigcommerce.sdk_seam import BatchConfig


class ChildStream(t.Protocol):
    """What the fan-out needs of a child stream (the stream base class provides it)."""

    name: str
    pager: t.ClassVar[t.Any]

    def enter_store(self, store: StoreContext) -> None: ...

    def normalise(self, record: t.Any) -> t.Any: ...

    def plain(self, record: t.Any) -> dict[str, t.Any]: ...


class ChildOutput:
    """One child stream's output for the whole run (see the module docstring)."""

    def __init__(self, stream: Stream, writer: object, parent: str) -> None:
        self._stream = stream
        self._parent = parent
        self._direct = sdk_seam.direct_writer(stream, writer)
        self._records = sdk_seam.DirectRecords(stream, self._direct) if self._direct else None
        self._batch: BatchConfig | None = stream.get_batch_config(stream.config)
        self._pending: list[dict[str, t.Any]] = []
        self._counter: metrics.Counter | None = None
        self._limit = stream.ABORT_AT_RECORD_COUNT
        self.written = 0

    @property
    def typed(self) -> bool:
        """Whether the child's records may stay typed (its parent's Structs) to the end."""
        return self._records is not None

    def _open(self) -> metrics.Counter:
        if self._counter is None:
            stream = self._stream
            stream.logger.info(
                "Beginning sync of '%s' in %s mode, a page of '%s' at a time, records written %s",
                stream.name,
                stream.replication_method.lower(),
                self._parent,
                sdk_seam.record_path_name(self._records is not None, stream.config),
            )
            sdk_seam.write_schema(stream)
            self._counter = stream.get_record_counter()
            self._counter.__enter__()
        return self._counter

    def write(self, records: Iterable[Record]) -> None:
        counter = self._open()
        stream = t.cast("ChildStream", self._stream)
        if self._limit is not None:  # a dry run (`--test`): a few records are enough
            records = _first(records, self._limit - self.written)
        if self._records is not None:
            self.written += self._records.write(
                records,
                normalise=stream.normalise,
                counter=counter,
                on_record=_nothing,
                periodic_state=False,
            )
            return
        for record in records:
            row = stream.plain(stream.normalise(record))
            if self._batch is not None:
                self._pending.append(row)
                if len(self._pending) >= self._batch.batch_size:
                    self._flush_batch()
            else:
                sdk_seam.write_record_sdk(self._stream, row)
            counter.increment()
            self.written += 1

    def _flush_batch(self) -> None:
        if self._batch is not None and self._pending:
            sdk_seam.write_batch_files(self._stream, self._batch, self._pending)
            self._pending = []

    def close(self) -> None:
        """The parent is done: the last batch file, and the child's metrics."""
        if self._counter is not None:
            self._flush_batch()
            self._counter.__exit__(None, None, None)
            self._counter = None


def _first(records: Iterable[Record], count: int) -> Iterable[Record]:
    if count <= 0:
        return
    for index, record in enumerate(records, 1):
        yield record
        if index >= count:
            return


def _nothing() -> None:
    return None


class ChildFanOut:
    """A parent stream's selected children, fed one page of parent records at a time."""

    def __init__(self, parent: Stream, writer: object) -> None:
        self._children: list[tuple[Stream, ChildOutput]] = []
        for child in parent.child_streams:
            pager = getattr(child, "pager", None)
            if not isinstance(pager, ChildPager):
                raise TypeError(f"child stream '{child.name}' declares no ChildPager")
            if child.selected:
                self._children.append((child, ChildOutput(child, writer, parent.name)))
        self.typed = all(output.typed for _, output in self._children)
        """Whether the parent's pages may be decoded into Structs (every child writes them)."""

    def __bool__(self) -> bool:
        return bool(self._children)

    def deliver(self, store: StoreContext, parents: Sequence[Record]) -> None:
        """Write every selected child's records of this page of parents."""
        live = [parent for parent in parents if not parent.get("is_deleted")]
        if not live:
            return
        shared: dict[t.Any, t.Any] = {}
        for child, output in self._children:
            if child.scope in store.scopes:  # type: ignore[attr-defined]
                continue
            source = t.cast("ChildStream", child)
            source.enter_store(store)
            try:
                output.write(source.pager.records_for(child, live, shared))
            except MissingScopeError as exc:
                # The child's own scope (its parent's requests were allowed): this child
                # is skipped for the store, its parent and siblings go on.
                if child.config.get("strict_scopes"):
                    raise
                store.scopes.record(exc.scope, stream=child.name)

    def close(self) -> None:
        for _, output in self._children:
            output.close()
