"""Every contact the tap has with singer-sdk's private members, and the switch that avoids them.

The SDK syncs a stream one record at a time through its own loop (post-processing,
partition keys, a state increment, a message object, a deselection walk, generic
conformance and serialisation). For a page of 250 orders that loop costs several
times what decoding and encoding the page does (DESIGN §5). With `fast_record_path`
on (the default), a stream whose records nothing would change (every property
selected, no stream map, no flattening, no batch files, no dry-run limit) writes them
itself: pages decoded into their schema's types, one RECORD line per record straight
from the record. And child streams are written per page of their parent without one
SDK sync per page (DESIGN §3). Both need a few SDK members that are not public API;
they are all used here and nowhere else, so an SDK release that changes them breaks
this module only, and `tests/test_sdk_seam.py` plus the CI job against the SDK's next
release say so first.

With `fast_record_path` off, records take the SDK's ordinary path: the SDK's loop
for a stream's own records, its message path and recursive conformance for every
record (children included), plain JSON decoding.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterable, Mapping

import click
from singer_sdk import Tap
from singer_sdk.batch import Batcher
from singer_sdk.contrib.msgspec import encoder as sdk_encoder
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.helpers._state import StateWriter, get_state_if_exists
from singer_sdk.mapper import SameRecordTransform
from typing_extensions import override

from tap_bigcommerce import cancel
from tap_bigcommerce.config_input import read_config_file
from tap_bigcommerce.errors import CancelledError
from tap_bigcommerce.output import RecordLine, StateFlushingWriter

if t.TYPE_CHECKING:
    from types import FrameType

    from singer_sdk import metrics
    from singer_sdk.helpers._batch import BatchConfig
    from singer_sdk.helpers.types import Context
    from singer_sdk.streams import Stream

FAST_RECORD_PATH = "fast_record_path"

# The SDK's state layout for a bookmark promoted when the stream's partition is done
# (`singer_sdk.helpers._state`): the tap writes its window end there, and the SDK
# moves it to `replication_key_value` when the store's sync finishes.
_PROGRESS_MARKERS = "progress_markers"
_PROGRESS_NOTE = {"Note": "Progress is not resumable if interrupted."}


def fast_record_path(config: Mapping[str, t.Any]) -> bool:
    return bool(config.get(FAST_RECORD_PATH, True))


def direct_writer(stream: Stream, writer: object) -> StateFlushingWriter | None:
    """The writer a stream may write its own records with, or None for the SDK's path.

    Only when nothing in the SDK's path would change the record: the fast path is on,
    every property is selected, the one stream map is the identity without flattening,
    and neither batch files nor a dry-run record limit (`--test`) are asked for.
    """
    if not fast_record_path(stream.config) or not isinstance(writer, StateFlushingWriter):
        return None
    if stream.config.get("batch_config") or stream.ABORT_AT_RECORD_COUNT is not None:
        return None
    if not all(stream.mask.values()):
        return None
    maps = stream.stream_maps
    if len(maps) != 1 or type(maps[0]) is not SameRecordTransform:
        return None
    return None if maps[0].flattening_enabled else writer


def record_path_name(direct: bool, config: Mapping[str, t.Any]) -> str:
    """How a stream's records are written, for its log lines."""
    if direct:
        return "directly"
    return "to batch files" if config.get("batch_config") else "through the SDK"


class DirectRecords:
    """Writes one stream's records as RECORD lines, as the SDK's path would write them."""

    def __init__(self, stream: Stream, writer: StateFlushingWriter) -> None:
        self._stream = stream
        self._writer = writer
        self._line: RecordLine | None = None

    def _record_line(self) -> RecordLine:
        version = self._stream._stream_version  # set by the SDK per sync (ACTIVATE_VERSION)
        line = self._line
        if line is None or line.version != version:
            line = self._line = RecordLine(self._stream.stream_maps[0].stream_alias, version)
        return line

    def write(
        self,
        records: Iterable[t.Any],
        *,
        normalise: t.Callable[[t.Any], t.Any],
        counter: metrics.Counter | None,
        on_record: t.Callable[[], None],
        periodic_state: bool,
    ) -> int:
        """Normalise and write each record; return how many were written.

        The SDK's record counter is kept, and with `periodic_state` its STATE message
        every `STATE_MSG_FREQUENCY` records (bookmarks move only when a window is done,
        see `reading.windows`).
        """
        stream = self._stream
        line = self._record_line()
        write = self._writer.write_record
        every = stream.STATE_MSG_FREQUENCY
        written = 0
        for record in records:
            write(line, normalise(record))
            on_record()
            written += 1
            if periodic_state and written % every == 0:
                write_state(stream)
        if counter is not None:
            counter.increment(written)
        if written:
            stream.state_manager.is_flushed = False
        return written


class EncodedStateWriter(StateWriter):
    """The SDK's StateWriter (a STATE message only when the state changed), at C speed.

    The SDK's keeps a deep copy of the last state to compare with, and its message
    path copies the state once more into a dict (`dataclasses.asdict`) before encoding:
    two walks in Python of the whole tap state for every STATE. Checkpoints write one
    after every page (`reading.checkpoint`) and the state holds every stream's entry,
    sweeps' id ranges among them (tens of KB), so those walks cost more than the
    records of the page. Here the state is encoded once, by msgspec; the last line's
    bytes are what the next state is compared with, and are written as they are.
    Equal bytes mean an equal state; a state equal but with keys in another order is
    written again, which is harmless.
    """

    def __init__(self, message_writer: StateFlushingWriter) -> None:
        super().__init__(message_writer)
        self._writer = message_writer
        self._last_value: bytes | None = None

    @override
    def write_state(self, state: t.Any) -> None:
        value = sdk_encoder.encode(state)
        if value != self._last_value:
            self._writer.write_state_value(value)
            self._last_value = value


def write_state(stream: Stream) -> None:
    """A STATE message now, as the SDK's loop writes one every so many records."""
    stream.state_manager.is_flushed = False
    stream._write_state_message()


def write_schema(stream: Stream) -> None:
    """The stream's SCHEMA message(s), one per stream map, as its SDK sync would write."""
    stream._write_schema_message()


def write_record_sdk(stream: Stream, record: dict[str, t.Any]) -> None:
    """One record through the SDK's message path (deselection, conformance, maps)."""
    stream._write_record_message(record)


def write_batch_files(stream: Stream, config: BatchConfig, records: list[dict[str, t.Any]]) -> int:
    """The records as batch files (one per `batch_size`), each announced by a BATCH message."""
    batcher = Batcher(tap_name=stream.tap_name, stream_name=stream.name, batch_config=config)
    files = 0
    for manifest in batcher.get_batches(records=iter(records)):
        stream._write_batch_message(encoding=config.encoding, manifest=manifest)
        files += 1
    return files


def set_bookmark_when_done(stream: Stream, context: Context | None, value: str) -> None:
    """The bookmark the SDK writes when the stream's partition (store) has been synced."""
    state = stream.get_context_state(context)
    markers = state.setdefault(_PROGRESS_MARKERS, dict(_PROGRESS_NOTE))
    markers["replication_key"] = stream.replication_key
    markers["replication_key_value"] = value


def peek_context_state(stream: Stream, context: Context | None) -> Mapping[str, t.Any]:
    """The stream's state for this partition as it stands, without creating it.

    A read ahead of the stream's turn (`reading.ahead`) runs on its own thread while the
    main thread writes STATE messages of the whole state: it may look, never write.
    """
    found = get_state_if_exists(stream.tap_state, stream.tap_stream_id, context)
    return found if isinstance(found, Mapping) else {}


def starting_value_ahead(stream: Stream, context: Context | None) -> t.Any:
    """The starting replication value the SDK's sync of the partition will write, read
    without writing it: the bookmark of the same key, or `start_date` if later (the
    SDK's `write_starting_replication_value`)."""
    state = peek_context_state(stream, context)
    value = None
    bookmark = state.get("replication_key_value")
    if bookmark and state.get("replication_key") == stream.replication_key:
        value = bookmark
    start_date = stream.config.get("start_date")
    if start_date:
        value = stream.compare_start_date(value, start_date) if value else start_date
    return value


def discard_progress(stream: Stream, context: Context | None) -> None:
    """Forget the bookmark progress the SDK's loop took from the records it saw.

    For a read that stops early (a dry run): the SDK would promote the largest
    replication-key value seen to the bookmark, and records below it not yet read
    would never be read.
    """
    stream.get_context_state(context).pop(_PROGRESS_MARKERS, None)


class CancellableTap(Tap):
    """The SDK's tap, with the tap's handling of `--config` files and of signals.

    The SDK's own termination handler writes STATE from inside the signal handler,
    which deadlocks when the signal comes while the writer holds its lock, and then
    exits with status 0 as if the run had succeeded. This one only cancels the run
    (`cancel`). And a `--config` file that is not JSON ends in the SDK's traceback;
    here it is one line naming the file.
    """

    @override
    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        writer = self.message_writer
        if isinstance(writer, StateFlushingWriter):
            self._state_writer = EncodedStateWriter(writer)

    @classmethod
    @override
    def cb_config(cls, ctx: click.Context, param: click.Option, value: tuple[str, ...]) -> t.Any:
        for path in value:
            if path != "ENV":
                try:
                    read_config_file(path)
                except ConfigValidationError as exc:
                    cls.logger.error("%s", exc)
                    ctx.exit(1)
        return super().cb_config(ctx, param, value)

    @override
    def _handle_termination(self, signum: int, frame: FrameType | None) -> None:
        del frame
        cancel.request(signum)
        writer = self.message_writer
        if isinstance(writer, StateFlushingWriter) and writer.writing:
            writer.deferred = signum  # raised as soon as the chunk is on stdout
            return
        raise CancelledError(signum)
