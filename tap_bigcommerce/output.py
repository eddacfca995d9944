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

CHUNK_BYTES = 1 << 20
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
    def __init__(self) -> None:
        super().__init__()
        self._pending = bytearray()
        self._lock = threading.Lock()
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
            pending += line.prefix
            sdk_encoder.encode_into(record, pending, -1)
            pending += line.suffix()
            if len(pending) >= CHUNK_BYTES:
                self._write_pending()

    def flush(self) -> None:
        with self._lock:
            self._write_pending()

    def _write_pending(self) -> None:
        if self._pending:
            sys.stdout.buffer.write(self._pending)
            self._pending.clear()
        sys.stdout.flush()
