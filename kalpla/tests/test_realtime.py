import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import transaction

from accounts.tests.factories import PASSWORD, UserFactory
from kalpla.asgi import application
from kalpla.realtime import realtime_publish, user_group

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


@sync_to_async
def make_user():
    return UserFactory()


@sync_to_async
def session_cookie_for(user) -> bytes:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


@sync_to_async
def app_token_for(user) -> str:
    from django.test import Client

    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    return response.json()["meta"]["session_token"]


@sync_to_async
def publish(user_id: int, text: str) -> None:
    with transaction.atomic():
        realtime_publish(group=user_group(user_id), type="test.event", payload={"text": text})


def test_channel_layer_is_redis_when_configured():
    if settings.REDIS_URL:
        assert (
            settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
        )


async def test_anonymous_socket_is_closed_4401():
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=HEADERS)
    connected, code = await communicator.connect()
    assert not connected and code == 4401


async def test_bad_token_is_closed_4401():
    communicator = WebsocketCommunicator(application, "/ws/me/?token=nope", headers=HEADERS)
    connected, code = await communicator.connect()
    assert not connected and code == 4401


async def test_session_cookie_socket_receives_own_events_only():
    alice, bob = await make_user(), await make_user()
    cookie = await session_cookie_for(alice)
    communicator = WebsocketCommunicator(
        application, "/ws/me/", headers=[*HEADERS, (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    await publish(bob.pk, "for bob")
    await publish(alice.pk, "for alice")
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["type"] == "test.event"
    assert frame["payload"] == {"text": "for alice"}
    assert frame["id"]
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_token_socket_ping_and_error_frames():
    user = await make_user()
    token = await app_token_for(user)
    communicator = WebsocketCommunicator(application, f"/ws/me/?token={token}", headers=HEADERS)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping", "id": "c1"})
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "pong",
        "id": "c1",
        "payload": {},
    }
    await communicator.send_to(text_data="not json")
    error = await communicator.receive_json_from(timeout=5)
    assert error["type"] == "error" and error["code"] == "invalid_frame"
    await communicator.send_json_to({"type": "dance", "id": "c2"})
    error = await communicator.receive_json_from(timeout=5)
    assert error == {
        "type": "error",
        "id": "c2",
        "code": "unknown_type",
        "message": "Unknown frame type 'dance'.",
    }
    await communicator.disconnect()


async def test_rolled_back_publish_sends_nothing():
    user = await make_user()
    cookie = await session_cookie_for(user)
    communicator = WebsocketCommunicator(
        application, "/ws/me/", headers=[*HEADERS, (b"cookie", cookie)]
    )
    await communicator.connect()

    @sync_to_async
    def publish_then_fail():
        try:
            with transaction.atomic():
                realtime_publish(group=user_group(user.pk), type="x", payload={})
                raise RuntimeError("boom")
        except RuntimeError:
            pass

    await publish_then_fail()
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_foreign_origin_refused():
    user = await make_user()
    cookie = await session_cookie_for(user)
    communicator = WebsocketCommunicator(
        application,
        "/ws/me/",
        headers=[
            (b"origin", b"http://evil.example"),
            (b"host", b"testserver"),
            (b"cookie", cookie),
        ],
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_native_client_without_origin_connects_with_token():
    user = await make_user()
    token = await app_token_for(user)
    communicator = WebsocketCommunicator(
        application, f"/ws/me/?token={token}", headers=[(b"host", b"testserver")]
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.disconnect()
