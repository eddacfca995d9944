"""Writing Singer messages: msgspec-encoded, written in large chunks, flushed at STATE.

The SDK's msgspec writer writes and flushes stdout for every message: a system
call per record. Records only need to reach the target before the STATE message
that covers them, so this writer collects messages and writes them when a STATE
message comes (or the chunk is large). A crash loses only records whose STATE was
never sent, which the next run reads again anyway.

RECORD messages can also be written straight from the record (`write_record`):
the line is the stream's fixed prefix, the encoded record and a suffix with the
extraction time, byte for byte what the SDK's RecordMessage would serialise to,
without building a message object and a dict per record.
"""

from __future__ import annotations

import atexit
import datetime as dt
import sys
import threading
import time
import typing as t

import msgspec
from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.contrib.msgspec import encoder as sdk_encoder
from singer_sdk.singerlib import StateMessage
from singer_sdk.singerlib.messages import Message
from typing_extensions import override

from tap_bigcommerce.errors import CancelledError

CHUNK_BYTES = 1 << 20
_STATE_PREFIX = b'{"type":"STATE","value":'
TIME_EXTRACTED_RESOLUTION_S = 0.001
"""How often the `time_extracted` of directly written records is read from the clock."""


class RecordLine:
    """The fixed parts of one stream's RECORD lines (`{"type":"RECORD",...,"record":` ... `}`)."""

    __slots__ = ("_clock", "_suffix", "_version_field", "prefix", "version")

    def __init__(self, stream_alias: str, version: int | None) -> None:
        self.prefix = b'{"type":"RECORD","stream":' + msgspec.json.encode(stream_alias)
        self.prefix += b',"record":'
        self.version = version
        self._version_field = (
            b"" if version is None else b',"version":' + msgspec.json.encode(version)
        )
        self._clock = -1.0
        self._suffix = b""

    def suffix(self) -> bytes:
        """The line's end: version and extraction time, read afresh every millisecond."""
        now = time.monotonic()
        if now - self._clock >= TIME_EXTRACTED_RESOLUTION_S:
            self._clock = now
            extracted = sdk_encoder.encode(dt.datetime.now(dt.timezone.utc))
            self._suffix = self._version_field + b',"time_extracted":' + extracted + b"}\n"
        return self._suffix


class StateFlushingWriter(MsgSpecWriter):
    """Collects messages and writes them in chunks, whole lines only (see the module doc).

    A run may be cancelled at any moment (`cancel`): a message half added to the chunk
    is taken out again, and a signal that comes while a chunk is being written to stdout
    waits until the write is done (`writing`), so stdout only ever holds whole lines.
    """

    def __init__(self) -> None:
        super().__init__()
        self._pending = bytearray()
        self._lock = threading.Lock()
        self.writing = False
        """True while a chunk is written to stdout: a cancellation waits for it."""
        self.deferred = 0
        """The signal that came while a chunk was being written, raised once it is."""
        atexit.register(self.flush)

    @override
    def write_message(self, message: Message) -> None:
        with self._lock:
            self._pending += self.format_message(message)
            if isinstance(message, StateMessage) or len(self._pending) >= CHUNK_BYTES:
                self._write_pending()

    def write_record(self, line: RecordLine, record: dict[str, t.Any]) -> None:
        """Write one RECORD message for `record` without a message object."""
        with self._lock:
            pending = self._pending
            start = len(pending)
            try:
                pending += line.prefix
                sdk_encoder.encode_into(record, pending, -1)
                pending += line.suffix()
            except BaseException:
                del pending[start:]  # never half a line (an encoding error, a cancellation)
                raise
            if len(pending) >= CHUNK_BYTES:
                self._write_pending()

    def write_state_value(self, value: bytes) -> None:
        """Write a STATE message whose value is already encoded, and flush.

        The SDK's path turns the message into a dict first (`dataclasses.asdict`, a deep
        copy in Python of the whole state); with sweeps' id ranges in the state, that
        copy costs more than the page the STATE follows. The line is the same bytes.
        """
        with self._lock:
            start = len(self._pending)
            try:
                self._pending += _STATE_PREFIX
                self._pending += value
                self._pending += b"}\n"
            except BaseException:
                del self._pending[start:]
                raise
            self._write_pending()

    def flush(self) -> None:
        with self._lock:
            self._write_pending()

    def _write_pending(self) -> None:
        self.writing = True
        try:
            if self._pending:
                _write_all(sys.stdout.buffer, self._pending)
                self._pending.clear()
            sys.stdout.flush()
        finally:
            self.writing = False
        if self.deferred:
            signum, self.deferred = self.deferred, 0
            raise CancelledError(signum)


def _write_all(out: t.BinaryIO, data: bytearray) -> None:
    """Write all of `data`: a write interrupted by a signal may return a short count."""
    view = memoryview(data)
    while view:
        written = out.write(view)
        view = view[written if written is not None else len(view) :]
