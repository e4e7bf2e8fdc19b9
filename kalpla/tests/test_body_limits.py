"""Request bodies are refused on their announced length, and chunked ones as they stream."""

import asyncio
import json
import select
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kalpla.asgi import application
from kalpla.testing.uvicorn import uvicorn_server

MIB = 1024 * 1024


def http_scope(path: str, *, method: str = "PATCH", headers: list[tuple[bytes, bytes]]) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }


class Client:
    """Feeds body chunks to the app on demand and records what it sends back."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.read = 0
        self.done = False
        self.sent: list[dict] = []

    async def receive(self) -> dict:
        if self.done:  # the client stays connected until the response is sent
            await asyncio.get_running_loop().create_future()
        try:
            chunk = next(self.chunks)
        except StopIteration:
            self.done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        self.read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(self, message: dict) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return next(m["status"] for m in self.sent if m["type"] == "http.response.start")

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")


def endless(total: int = 64 * MIB, chunk: int = MIB) -> Iterator[bytes]:
    """A body far over every limit in the tests (bounded, so a failing test ends)."""
    for _ in range(total // chunk):
        yield b" " * chunk


async def test_announced_length_over_the_limit_is_refused_before_reading(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * MIB
    client = Client(endless())
    headers = [(b"content-type", b"application/json"), (b"content-length", b"805306368")]
    await application(http_scope("/api/v1/me/", headers=headers), client.receive, client.send)
    assert client.status == 413
    assert json.loads(client.body)["code"] == "request_too_large"
    assert client.read == 0


async def test_chunked_body_is_counted_and_stopped_at_the_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * MIB
    client = Client(endless())
    headers = [(b"content-type", b"application/json")]  # no length: chunked
    await application(http_scope("/healthz", headers=headers), client.receive, client.send)
    assert client.status == 413
    assert json.loads(client.body)["code"] == "request_too_large"
    assert client.read <= 6 * MIB


async def test_multipart_to_another_path_has_the_body_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1 * MIB
    settings.KALPLA_MAX_UPLOAD_BYTES = 100 * MIB
    client = Client(endless())
    headers = [(b"content-type", b"multipart/form-data; boundary=x")]
    await application(http_scope("/api/v1/me/", headers=headers), client.receive, client.send)
    assert client.status == 413
    assert client.read <= 2 * MIB


@pytest.mark.django_db
async def test_upload_urls_take_multipart_up_to_the_upload_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1 * MIB
    settings.KALPLA_MAX_UPLOAD_BYTES = 8 * MIB
    small = Client(iter([b" " * MIB] * 4))
    headers = [(b"content-type", b"multipart/form-data; boundary=x")]
    scope = http_scope("/files/u/not-a-token/", method="POST", headers=headers)
    await application(scope, small.receive, small.send)
    assert small.status != 413  # read in full and handed to the view
    assert small.read == 4 * MIB

    big = Client(endless())
    await application(scope, big.receive, big.send)
    assert big.status == 413
    assert big.read <= 10 * MIB


async def test_small_bodies_reach_the_view(settings):
    client = Client(iter([b'{"a": 1}']))
    headers = [(b"content-type", b"application/json"), (b"content-length", b"8")]
    await application(
        http_scope("/healthz", method="GET", headers=headers), client.receive, client.send
    )
    assert client.status == 200


async def test_invalid_content_length_is_400():
    client = Client(endless())
    headers = [(b"content-type", b"application/json"), (b"content-length", b"-5")]
    await application(http_scope("/healthz", headers=headers), client.receive, client.send)
    assert client.status == 400
    assert client.read == 0


# --- a real uvicorn server --------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    db = Path(tmp_path_factory.mktemp("limits")) / "db.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "KALPLA_MAX_BODY_BYTES": str(5 * MIB)}
    with uvicorn_server(env=env, args=("--no-access-log",)) as (base_url, _output):
        yield base_url


def connect(base_url: str) -> socket.socket:
    parts = urlsplit(base_url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def read_status(sock: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1])


def test_server_refuses_an_announced_768_mib_body_without_waiting_for_it(server):
    with connect(server) as sock:
        sock.sendall(
            b"PATCH /api/v1/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 805306368\r\n\r\n"
        )
        assert read_status(sock) == 413  # no body byte was sent: nothing was waited for


def test_server_stops_reading_a_chunked_body_at_the_limit(server):
    total, chunk = 64 * MIB, 64 * 1024
    frame = f"{chunk:x}\r\n".encode() + b" " * chunk + b"\r\n"
    sent = 0
    with connect(server) as sock:
        sock.sendall(
            b"PATCH /api/v1/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        while sent < total and not select.select([sock], [], [], 0)[0]:
            try:
                sock.sendall(frame)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                break
            sent += chunk
        else:
            if sent >= total:
                sock.sendall(b"0\r\n\r\n")
        assert read_status(sock) == 413
    assert sent < total
