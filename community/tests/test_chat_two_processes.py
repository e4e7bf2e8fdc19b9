"""The chat scales out: two uvicorn processes on one Redis channel layer behave as one server.

Two servers run the production ASGI app (``kalpla.asgi``) against this run's test database
(committed rows, hence transactional_db) and a Redis key prefix of their own, shared by the
pair and by no other test run. Clients are real WebSockets signed in with session cookies.
Nothing waits by sleeping: every step waits for the frame it needs, with a timeout.
"""

import json
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from accounts.tests.factories import UserFactory
from community.tests.factories import client_for, topic_group
from kalpla.testing.uvicorn import database_url_for_tests, uvicorn_processes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (the channel layer)"),
]

# The killed process's heartbeat lifetime: short enough that its sockets drop out of
# presence within the test (the pair keeps the default).
PRESENCE_TTL = 3
POLL = 0.25
FRAME_TIMEOUT = 10


@dataclass
class Pair:
    env: dict[str, str]
    urls: list[str]  # ws://127.0.0.1:<port> of each process


def ws_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://")


@pytest.fixture(scope="module")
def pair(django_db_setup: None) -> Iterator[Pair]:
    env = {
        "DATABASE_URL": database_url_for_tests(),
        "DATABASE_POOL": "false",
        # The pair's own channel-layer and presence keys: parallel runs never hear each other.
        "KALPLA_CACHE_PREFIX": f"{settings.CACHE_KEY_PREFIX}-pair-{uuid.uuid4().hex[:8]}",
        # as the root conftest: new accounts' first messages are not held for a moderator,
        # and the test's quick sends are not spam
        "KALPLA_MODERATION_NEW_ACCOUNT_POSTS": "0",
        "KALPLA_MODERATION_MESSAGES_PER_MINUTE": "0",
        "KALPLA_MODERATION_DUPLICATE_WINDOW": "0",
    }
    with uvicorn_processes(env=env, count=2) as [(a, _, _), (b, _, _)]:
        yield Pair(env=env, urls=[ws_url(a), ws_url(b)])


def cookie_for(user: Any) -> str:
    client = client_for(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def room_of_two() -> tuple[Any, Any, Any]:
    alice, bob = UserFactory(), UserFactory()
    _group, room = topic_group(owner=alice, members=(bob,))
    return room, alice, bob


@contextmanager
def chat(base_url: str, room: Any, user: Any) -> Iterator[ClientConnection]:
    with connect(
        f"{base_url}/ws/chat/{room.pk}/",
        additional_headers={"Cookie": cookie_for(user)},
        open_timeout=FRAME_TIMEOUT,
        close_timeout=2,
    ) as ws:
        yield ws


def until(ws: ClientConnection, wanted: Callable[[dict], bool]) -> dict:
    """The first frame ``wanted`` accepts (others are skipped), within FRAME_TIMEOUT s."""
    deadline = time.monotonic() + FRAME_TIMEOUT
    skipped: list[dict] = []
    while True:
        try:
            frame = json.loads(ws.recv(timeout=max(deadline - time.monotonic(), 0.001)))
        except TimeoutError:
            raise AssertionError(f"no such frame in {FRAME_TIMEOUT} s; got {skipped}") from None
        if wanted(frame):
            return frame
        skipped.append(frame)


def presence(*online: Any, absent: Any = None) -> Callable[[dict], bool]:
    """A presence frame with everyone of ``online`` in it (and ``absent`` not in it)."""

    def check(frame: dict) -> bool:
        if frame["type"] != "presence":
            return False
        ids = set(frame["payload"]["online"])
        return {u.pk for u in online} <= ids and (absent is None or absent.pk not in ids)

    return check


def heard(message_id: int) -> Callable[[dict], bool]:
    return lambda f: f["type"] == "message.new" and f["payload"]["message"]["id"] == message_id


def send(ws: ClientConnection, body: str) -> dict:
    frame_id = uuid.uuid4().hex
    ws.send(json.dumps({"type": "send", "id": frame_id, "payload": {"body": body}}))
    ack = until(ws, lambda f: f["type"] in ("ack", "error") and f["id"] == frame_id)
    assert ack["type"] == "ack", ack
    return ack["payload"]["message"]


def heartbeat(ws: ClientConnection) -> list[int]:
    frame_id = uuid.uuid4().hex
    ws.send(json.dumps({"type": "heartbeat", "id": frame_id}))
    return list(
        until(ws, lambda f: f["type"] == "ack" and f["id"] == frame_id)["payload"]["online"]
    )


def test_messages_and_presence_cross_server_processes(pair):
    a, b = pair.urls
    room, alice, bob = room_of_two()
    with chat(a, room, alice) as on_a:
        until(on_a, presence(alice))  # alice is in the room's group on A
        with chat(b, room, bob) as on_b:
            # bob, connected to B, shows online to alice on A, and alice (A) to bob on B
            until(on_a, presence(alice, bob))
            until(on_b, presence(alice, bob))

            # a message sent through A reaches B's client, and one sent through B reaches A's
            sent = send(on_a, "from process A")
            got = until(on_b, heard(sent["id"]))["payload"]["message"]
            assert got["body"] == "from process A" and got["author"]["id"] == alice.pk
            reply = send(on_b, "from process B")
            got = until(on_a, heard(reply["id"]))["payload"]["message"]
            assert got["body"] == "from process B" and got["seq"] == sent["seq"] + 1

        # bob's socket on B closes: alice, on A, sees him go offline
        until(on_a, presence(alice, absent=bob))
        assert heartbeat(on_a) == [alice.pk]


def test_a_dead_process_sockets_go_offline_when_their_heartbeats_expire(pair):
    a = pair.urls[0]
    room, alice, bob = room_of_two()
    # a third process on the pair's layer, to be killed; its sockets' heartbeats last
    # PRESENCE_TTL seconds
    short_lived = {**pair.env, "KALPLA_CHAT_PRESENCE_TTL": str(PRESENCE_TTL)}
    with uvicorn_processes(env=short_lived) as [(c_http, _output, c_process)]:
        c = ws_url(c_http)
        with chat(a, room, alice) as on_a:
            until(on_a, presence(alice))
            with chat(c, room, bob) as on_c:
                until(on_c, presence(alice, bob))
                until(on_a, presence(alice, bob))
                heartbeat(on_c)  # bob's presence now lasts PRESENCE_TTL seconds
                killed_at = time.monotonic()
                # the process dies without closing its sockets: no leave, no presence frame
                os.kill(c_process.pid, signal.SIGKILL)
                c_process.wait(timeout=FRAME_TIMEOUT)
                with pytest.raises(ConnectionClosed):
                    on_c.recv(timeout=FRAME_TIMEOUT)
            assert bob.pk in heartbeat(on_a)  # his last heartbeat still holds
            # alice's heartbeats (one every POLL s) see bob until his last one expires
            online = heartbeat(on_a)
            while bob.pk in online:
                assert time.monotonic() - killed_at < PRESENCE_TTL + FRAME_TIMEOUT, online
                time.sleep(POLL)  # a poll interval: expiry sends no frame to wait for
                online = heartbeat(on_a)
            assert online == [alice.pk]
