"""A deadline for the whole of one HTTP response: connect, headers and body.

`requests` applies its timeout to each socket operation, so a server that trickles a
body one byte a second never times out: the run hangs (seen behind a misbehaving
proxy). Here each connection the session opens records its socket for the thread
that uses it, and a timer shuts that socket down when the request's deadline passes;
the blocked read then fails like a dropped connection, which the API client retries.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import typing as t
from collections.abc import Iterator

import urllib3.connection
import urllib3.connectionpool
from requests.adapters import HTTPAdapter
from typing_extensions import override

_current = threading.local()
"""The socket the current thread's request is using, and whether its deadline passed."""
_active: set[_Slot] = set()
_active_lock = threading.Lock()


def _register(sock: socket.socket | None) -> None:
    slot: _Slot | None = getattr(_current, "slot", None)
    if slot is not None and sock is not None:
        slot.use(sock)


class _Slot:
    """The sockets one request used, shut down together when its deadline passes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False

    def use(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _HTTPConnection(urllib3.connection.HTTPConnection):
    """Registers its socket when it connects and at every request (keep-alive reuse)."""

    @override
    def connect(self) -> None:
        super().connect()
        _register(self.sock)

    @override
    def request(self, *args: t.Any, **kwargs: t.Any) -> None:
        _register(self.sock)
        super().request(*args, **kwargs)


class _HTTPSConnection(urllib3.connection.HTTPSConnection):
    @override
    def connect(self) -> None:
        super().connect()
        _register(self.sock)

    @override
    def request(self, *args: t.Any, **kwargs: t.Any) -> None:
        _register(self.sock)
        super().request(*args, **kwargs)


class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """An adapter whose connections can be cut by `deadline` (keep-alive included)."""

    @override
    def init_poolmanager(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[_Slot]:
    """Run one request (and the reading of its body) within `seconds`, or cut it off."""
    slot = _Slot()
    _current.slot = slot
    timer = threading.Timer(seconds, slot.expire)
    timer.daemon = True
    with _active_lock:
        _active.add(slot)
    timer.start()
    try:
        yield slot
    finally:
        timer.cancel()
        with _active_lock:
            _active.discard(slot)
        _current.slot = None


def cut_all() -> None:
    """Cut every request in flight now (the run is being cancelled)."""
    with _active_lock:
        slots = list(_active)
    for slot in slots:
        slot.expire()
