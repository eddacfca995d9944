"""Writing Singer messages: msgspec-encoded, written in large chunks, flushed at STATE.

The SDK's msgspec writer writes and flushes stdout for every message: a system
call per record. Records only need to reach the target before the STATE message
that covers them, so this writer collects messages and writes them when a STATE
message comes (or the chunk is large). A crash loses only records whose STATE was
never sent, which the next run reads again anyway.
"""

from __future__ import annotations

import atexit
import sys
import threading

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.singerlib import StateMessage
from singer_sdk.singerlib.messages import Message

CHUNK_BYTES = 1 << 20


class StateFlushingWriter(MsgSpecWriter):
    def __init__(self) -> None:
        super().__init__()
        self._pending = bytearray()
        self._lock = threading.Lock()
        atexit.register(self.flush)

    def write_message(self, message: Message) -> None:
        with self._lock:
            self._pending += self.format_message(message)
            if isinstance(message, StateMessage) or len(self._pending) >= CHUNK_BYTES:
                self._write_pending()

    def flush(self) -> None:
        with self._lock:
            self._write_pending()

    def _write_pending(self) -> None:
        if self._pending:
            sys.stdout.buffer.write(self._pending)
            self._pending.clear()
        sys.stdout.flush()
