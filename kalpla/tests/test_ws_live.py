"""WebSockets and access logs on a real uvicorn server, started as production starts it.

The server shares this test run's database (committed rows only, hence transactional_db)
and gets ``--ws-max-size`` from ``KALPLA_WS_MAX_FRAME_BYTES`` like the Makefile, the
Dockerfile and docker-compose.yml. Both of uvicorn's websockets implementations are run:
``websockets-sansio`` (what ``--ws auto`` picks, as in the image) and ``websockets`` (the
Makefile's).
"""

import json
import os
import struct
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.test import Client
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from accounts.tests.factories import PASSWORD, UserFactory
from kalpla.consumers import MAX_FRAME_CHARS
from kalpla.testing.uvicorn import database_url_for_tests, uvicorn_server

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = settings.KALPLA_WS_MAX_FRAME_BYTES


def server_env(**extra: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url_for_tests(), "DATABASE_POOL": "false", **extra}


@pytest.fixture(scope="module", params=["websockets-sansio", "websockets"])
def server(request, django_db_setup) -> Iterator[str]:
    with uvicorn_server(env=server_env(), args=("--ws", request.param, "--no-access-log")) as (
        base_url,
        _output,
    ):
        yield base_url.replace("http://", "ws://")


def offer(token_protocol: str) -> list[Subprotocol]:
    return [Subprotocol("kalpla.v1"), Subprotocol(token_protocol)]


def app_token() -> str:
    user = UserFactory()
    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    return response.json()["meta"]["session_token"]


@contextmanager
def signed_in(server: str) -> Iterator[ClientConnection]:
    token = app_token()
    with connect(
        f"{server}/ws/me/",
        subprotocols=offer(f"kalpla.token.{token}"),
        max_size=None,
        open_timeout=10,
    ) as ws:
        assert ws.subprotocol == "kalpla.v1"
        yield ws


def receive(ws: ClientConnection) -> dict:
    return json.loads(ws.recv(timeout=10))


def assert_still_open(ws: ClientConnection) -> None:
    ws.send(json.dumps({"type": "ping", "id": "after"}))
    assert receive(ws) == {"type": "pong", "id": "after", "payload": {}}


def test_token_subprotocol_over_the_wire_is_never_echoed(server):
    token = app_token()
    with connect(
        f"{server}/ws/me/",
        subprotocols=offer(f"kalpla.token.{token}"),
        open_timeout=10,
    ) as ws:
        assert ws.response is not None
        assert ws.response.headers["Sec-WebSocket-Protocol"] == "kalpla.v1"
        assert token not in str(ws.response.headers)
        assert_still_open(ws)


def test_bad_token_subprotocol_over_the_wire_is_closed_4401(server):
    with (
        connect(
            f"{server}/ws/me/",
            subprotocols=offer("kalpla.token.nope"),
            open_timeout=10,
        ) as ws,
        pytest.raises(ConnectionClosed) as closed,
    ):
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


def test_deeply_nested_json_frame_gets_an_error_frame_and_the_socket_stays_open(server):
    with signed_in(server) as ws:
        ws.send("[" * 50_000)
        error = receive(ws)
        assert error["type"] == "error" and error["code"] == "invalid_frame"
        assert_still_open(ws)


def test_frame_under_the_transport_limit_but_over_the_json_limit_gets_an_error_frame(server):
    with signed_in(server) as ws:
        frame = '"' + "x" * (LIMIT - 1024) + '"'
        assert MAX_FRAME_CHARS < len(frame.encode()) < LIMIT
        ws.send(frame)
        error = receive(ws)
        assert error["type"] == "error" and error["code"] == "frame_too_large"
        assert_still_open(ws)


def masked_text_frame_header(length: int) -> bytes:
    """A client text frame header announcing ``length`` payload bytes (RFC 6455 5.2)."""
    return struct.pack("!BBQ", 0x81, 0x80 | 127, length) + b"\x00\x00\x00\x00"


def test_frame_over_the_transport_limit_is_closed_1009_before_it_is_read(server):
    with signed_in(server) as ws:
        # One byte over the limit is announced, 4 KiB sent: the answer comes from the header
        # alone (uvicorn's own 16 MiB default would wait for the rest).
        ws.socket.sendall(masked_text_frame_header(LIMIT + 1) + b"x" * 4096)
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_whole_frame_just_over_the_transport_limit_is_closed_1009(server):
    with signed_in(server) as ws:
        ws.send("x" * (LIMIT + 1))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


# --- access logs --------------------------------------------------------------------------


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def wait_for(output: Callable[[], str], *needles: str) -> str:
    deadline = time.monotonic() + 15
    while True:
        text = output()
        if all(needle in text for needle in needles) or time.monotonic() > deadline:
            return text
        time.sleep(0.1)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_secrets_in_urls_never_reach_the_access_log(log_format):
    secrets = {name: f"{name}-s3cret-{os.getpid()}" for name in ("http", "ws", "reset", "confirm")}
    env = server_env(KALPLA_LOG_FORMAT=log_format, KALPLA_LOG_LEVEL="INFO")
    with uvicorn_server(env=env) as (base_url, output):
        # given an HTTP request and a WebSocket with ?token=, and the links mailed to people
        assert get(f"{base_url}/healthz?token={secrets['http']}") == 200
        ws_url = base_url.replace("http://", "ws://") + f"/ws/me/?a=1&token={secrets['ws']}"
        with connect(ws_url, open_timeout=10) as ws, pytest.raises(ConnectionClosed):
            ws.recv(timeout=10)  # a token that signs no one in: closed 4401
        for path in (
            f"/accounts/password/reset/key/1-{secrets['reset']}/",
            f"/accounts/confirm-email/{secrets['confirm']}/",
        ):
            get(f"{base_url}{path}")
        # then the log names every path, and none of the secrets
        paths = [
            "/healthz?token=[redacted]",
            "/ws/me/?a=1&token=[redacted]",
            "/accounts/password/reset/key/[redacted]/",
            "/accounts/confirm-email/[redacted]/",
        ]
        log = wait_for(output, *paths)
    for path in paths:
        assert path in log, log
    for secret in secrets.values():
        assert secret not in log, log
    if log_format == "json":
        access = [json.loads(line) for line in log.splitlines() if '"uvicorn.access"' in line]
        assert len(access) >= 4, log
