"""/ws/notifications/ on the real channel layer (Redis when available, as in production)."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from accounts.tests.factories import PASSWORD, UserFactory
from kalpla.asgi import application
from notifications.models import Notification
from notifications.services.notify import notify

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
PATH = "/ws/notifications/"


@database_sync_to_async
def make_user():
    return UserFactory()


@database_sync_to_async
def announce(user, title="Exam week"):
    # outside a transaction: committed at once, so the live push goes out now
    [n] = notify(
        recipients=[user],
        kind="announcements.general",
        context={"title": title, "message": "The timetable is out."},
        url="/courses/",
    )
    return n


@database_sync_to_async
def cookie_for(user) -> bytes:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


@database_sync_to_async
def token_for(user) -> str:
    from django.test import Client

    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    return response.json()["meta"]["session_token"]


@database_sync_to_async
def read_at(notification_id):
    return Notification.objects.get(pk=notification_id).read_at


async def connect(user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application, PATH, headers=[*HEADERS, (b"cookie", await cookie_for(user))]
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


def test_channel_layer_is_redis_when_configured():
    if settings.REDIS_URL:
        assert (
            settings.CHANNEL_LAYERS["default"]["BACKEND"]
            == "kalpla.channel_layer.RedisChannelLayer"
        )


async def test_connect_sends_the_unread_count():
    user = await make_user()
    await announce(user)
    communicator = await connect(user)
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["type"] == "unread.count" and frame["payload"] == {"count": 1} and frame["id"]
    await communicator.disconnect()


async def test_live_push_after_notify():
    user = await make_user()
    communicator = await connect(user)
    assert (await communicator.receive_json_from(timeout=5))["payload"] == {"count": 0}
    n = await announce(user, "Results are out")
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["type"] == "notification.new"
    payload = frame["payload"]
    assert payload["id"] == n.pk
    assert payload["title"] == "Results are out"
    assert payload["body"] == "The timetable is out."
    assert payload["url"] == "/courses/"
    assert payload["unread_count"] == 1
    assert payload["created_at"].endswith("Z")
    await communicator.disconnect()


async def test_read_frame_is_acknowledged():
    user = await make_user()
    n = await announce(user)
    communicator = await connect(user)
    await communicator.receive_json_from(timeout=5)  # unread.count
    await communicator.send_json_to(
        {"type": "notification.read", "id": "c1", "payload": {"id": n.pk}}
    )
    frames = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
    ack = next(f for f in frames if f["type"] == "ack")
    assert ack["id"] == "c1"
    assert ack["payload"]["id"] == n.pk and ack["payload"]["unread_count"] == 0
    assert ack["payload"]["read_at"].endswith("Z")
    # the read also updates every open socket's count
    count = next(f for f in frames if f["type"] == "unread.count")
    assert count["payload"] == {"count": 0}
    assert await read_at(n.pk) is not None
    await communicator.disconnect()


async def test_read_all_frame_is_acknowledged():
    user = await make_user()
    await announce(user)
    await announce(user)
    communicator = await connect(user)
    await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"type": "notifications.read_all", "id": "c9", "payload": {}})
    frames = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
    ack = next(f for f in frames if f["type"] == "ack")
    assert ack == {"type": "ack", "id": "c9", "payload": {"marked": 2, "unread_count": 0}}
    await communicator.disconnect()


async def test_other_users_notification_id_is_an_error_frame():
    alice, bob = await make_user(), await make_user()
    bobs = await announce(bob)
    communicator = await connect(alice)
    await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to(
        {"type": "notification.read", "id": "c2", "payload": {"id": bobs.pk}}
    )
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "error",
        "id": "c2",
        "code": "not_found",
        "message": "No such notification.",
    }
    assert await read_at(bobs.pk) is None
    # malformed ids are refused without touching the database
    for payload in ({}, {"id": "7"}, {"id": True}, None):
        await communicator.send_json_to(
            {"type": "notification.read", "id": "c3", "payload": payload}
        )
        error = await communicator.receive_json_from(timeout=5)
        assert (error["type"], error["code"], error["id"]) == ("error", "invalid", "c3")
    # and the socket stays open
    await communicator.send_json_to({"type": "ping", "id": "p"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    await communicator.disconnect()


async def test_anonymous_is_closed_4401(settings):
    settings.KALPLA_WS_AUTH_TIMEOUT = 0.2
    communicator = WebsocketCommunicator(application, PATH, headers=HEADERS)
    connected, _ = await communicator.connect()
    assert connected  # accepted, so the close code reaches the client
    message = await communicator.receive_output(timeout=5)
    assert message["type"] == "websocket.close" and message["code"] == 4401
    await communicator.disconnect()  # as the server does; the consumer stops reading the layer


async def test_token_in_the_first_frame_then_the_unread_count():
    user = await make_user()
    await announce(user)
    communicator = WebsocketCommunicator(application, PATH, headers=HEADERS)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to(
        {"type": "auth", "id": "1", "payload": {"token": await token_for(user)}}
    )
    assert (await communicator.receive_json_from(timeout=5))["type"] == "ack"
    count = await communicator.receive_json_from(timeout=5)
    assert count["type"] == "unread.count" and count["payload"] == {"count": 1}
    await communicator.disconnect()


async def test_a_user_never_receives_another_users_notification():
    alice, bob = await make_user(), await make_user()
    communicator = await connect(alice)
    await communicator.receive_json_from(timeout=5)
    await announce(bob, "For Bob")
    await announce(alice, "For Alice")
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["payload"]["title"] == "For Alice"
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_mobile_token_socket_gets_live_pushes():
    user = await make_user()
    token = await token_for(user)
    communicator = WebsocketCommunicator(
        application, f"{PATH}?token={token}", headers=[(b"host", b"testserver")]
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.receive_json_from(timeout=5)
    await announce(user)
    assert (await communicator.receive_json_from(timeout=5))["type"] == "notification.new"
    await communicator.disconnect()
