"""Response bodies are read whole and checked: a cut or corrupt body is retried, never decoded.

The sandbox cuts bodies by sending a shorter, self-consistent response (malformed JSON);
these tests cover what only a real network does: the connection closing before the
announced Content-Length arrived, and a compressed body that does not decompress.
"""

from __future__ import annotations

import gzip
import logging
import socket
import threading
import typing as t
from collections.abc import Iterator

import pytest

from tap_bigcommerce.api import StoreApi
from tap_bigcommerce.auth import BigCommerceAuthenticator
from tap_bigcommerce.errors import RetriesExhaustedError

PAGE = b'[{"id": 1, "status": "Shipped"}, {"id": 2, "status": "Pending"}]'


def _response(body: bytes, *, length: int | None = None, encoding: str | None = None) -> bytes:
    head = [
        b"HTTP/1.1 200 OK",
        b"Content-Type: application/json",
        b"Content-Length: %d" % (len(body) if length is None else length),
        b"Connection: close",
    ]
    if encoding:
        head.append(b"Content-Encoding: " + encoding.encode())
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class ScriptedServer:
    """Answers the n-th connection with the n-th scripted response, then closes it."""

    def __init__(self, responses: list[bytes]) -> None:
        self._responses = responses
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.served = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        for response in self._responses:
            conn, _ = self._sock.accept()
            with conn:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    request += chunk
                # Counted before answering: the client may check the count as soon as
                # it has the answer.
                self.served += 1
                conn.sendall(response)

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def serve() -> Iterator[t.Callable[[list[bytes]], tuple[ScriptedServer, StoreApi]]]:
    servers: list[ScriptedServer] = []

    def start(responses: list[bytes]) -> tuple[ScriptedServer, StoreApi]:
        server = ScriptedServer(responses)
        servers.append(server)
        api = StoreApi(
            api_url=f"http://127.0.0.1:{server.port}",
            store_hash="abc123",
            authenticator=BigCommerceAuthenticator(access_token="secret-token"),
            timeout=5,
            max_retries=3,
            max_backoff_seconds=0,
            user_agent="tests",
            logger=logging.getLogger("tests.api"),
            sleep=lambda _seconds: None,
        )
        return server, api

    yield start
    for server in servers:
        server.close()


def test_a_body_cut_before_its_content_length_is_retried(serve) -> None:
    cut = _response(PAGE[:20], length=len(PAGE))
    server, api = serve([cut, _response(PAGE)])
    response = api.get("/v2/orders", scope="store_v2_orders_read_only")
    assert response.body == [{"id": 1, "status": "Shipped"}, {"id": 2, "status": "Pending"}]
    assert server.served == 2
    assert api.stats.requests == 2


def test_a_compressed_body_is_decompressed(serve) -> None:
    server, api = serve([_response(gzip.compress(PAGE), encoding="gzip")])
    response = api.get("/v2/orders", scope="store_v2_orders_read_only")
    assert response.body == [{"id": 1, "status": "Shipped"}, {"id": 2, "status": "Pending"}]
    assert server.served == 1


def test_a_body_that_does_not_decompress_is_retried(serve) -> None:
    corrupt = _response(b"\x1f\x8b\x08\x00 definitely not deflate data", encoding="gzip")
    server, api = serve([corrupt, _response(PAGE)])
    response = api.get("/v2/orders", scope="store_v2_orders_read_only")
    assert response.body[0]["id"] == 1
    assert server.served == 2
    assert api.stats.requests == 2


def test_bodies_cut_every_time_end_in_a_clear_error(serve) -> None:
    cut = _response(PAGE[:20], length=len(PAGE))
    _server, api = serve([cut] * 4)
    with pytest.raises(RetriesExhaustedError, match="failed 4 times") as raised:
        api.get("/v2/orders", scope="store_v2_orders_read_only")
    assert "body cut short" in str(raised.value)
    assert "secret-token" not in str(raised.value)
