import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import transaction

from accounts.tests.factories import PASSWORD, UserFactory
from kalpla.asgi import application
from kalpla.consumers import MAX_FRAME_CHARS, KalplaConsumer
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
            settings.CHANNEL_LAYERS["default"]["BACKEND"]
            == "kalpla.channel_layer.RedisChannelLayer"
        )


async def in_groups(communicator: WebsocketCommunicator) -> None:
    """Wait until a signed-in socket is in its groups: the handshake is answered before it
    joins them, a ping after (a frame published in between would find no one)."""
    await communicator.send_json_to({"type": "ping", "id": "joined"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"


async def assert_closed(communicator: WebsocketCommunicator, code: int) -> None:
    """Accepted, then closed with ``code`` (a refused handshake would carry no code)."""
    connected, _ = await communicator.connect()
    assert connected
    while True:
        message = await communicator.receive_output(timeout=5)
        if message["type"] == "websocket.close":
            assert message["code"] == code
            await communicator.disconnect()  # as the server does after a close
            return


async def test_anonymous_socket_without_an_auth_frame_is_closed_4401(settings):
    settings.KALPLA_WS_AUTH_TIMEOUT = 0.2
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=HEADERS)
    await assert_closed(communicator, 4401)


async def test_bad_token_is_closed_4401():
    communicator = WebsocketCommunicator(application, "/ws/me/?token=nope", headers=HEADERS)
    await assert_closed(communicator, 4401)


async def test_logged_out_token_is_closed_4401():
    user = await make_user()
    token = await app_token_for(user)
    await log_out(token)
    communicator = WebsocketCommunicator(application, f"/ws/me/?token={token}", headers=HEADERS)
    await assert_closed(communicator, 4401)


@sync_to_async
def log_out(token: str) -> None:
    from django.test import Client

    response = Client().delete("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 401  # allauth answers a logout with "not authenticated"


async def test_token_in_the_first_frame_signs_the_socket_in():
    user = await make_user()
    token = await app_token_for(user)
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=HEADERS)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "auth", "id": "a1", "payload": {"token": token}})
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "ack",
        "id": "a1",
        "payload": {"user_id": user.pk},
    }
    await in_groups(communicator)  # the ack goes out before the socket joins its groups
    await publish(user.pk, "hello")
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["payload"] == {"text": "hello"}
    await communicator.disconnect()


async def test_bad_token_in_the_first_frame_is_closed_4401():
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=HEADERS)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "auth", "id": "a1", "payload": {"token": "nope"}})
    message = await communicator.receive_output(timeout=5)
    assert message["type"] == "websocket.close" and message["code"] == 4401
    await communicator.disconnect()  # as the server does; the consumer stops reading the layer


async def test_other_first_frame_of_an_anonymous_socket_is_closed_4401():
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=HEADERS)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping", "id": "1"})
    message = await communicator.receive_output(timeout=5)
    assert message["type"] == "websocket.close" and message["code"] == 4401
    await communicator.disconnect()  # as the server does; the consumer stops reading the layer


async def test_signed_in_user_not_allowed_is_closed_4403():
    class StaffOnly(KalplaConsumer):
        async def authorise(self) -> bool:
            return False

    user = await make_user()
    communicator = WebsocketCommunicator(StaffOnly.as_asgi(), "/ws/staff/")
    communicator.scope["user"] = user
    await assert_closed(communicator, 4403)


async def signed_in(path: str = "/ws/me/") -> WebsocketCommunicator:
    token = await app_token_for(await make_user())
    communicator = WebsocketCommunicator(application, f"{path}?token={token}", headers=HEADERS)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def assert_error_and_still_open(communicator: WebsocketCommunicator, code: str) -> None:
    error = await communicator.receive_json_from(timeout=5)
    assert error["type"] == "error" and error["code"] == code
    await communicator.send_json_to({"type": "ping", "id": "after"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    await communicator.disconnect()


@pytest.mark.parametrize("path", ["/ws/me/", "/ws/notifications/"])
async def test_binary_frame_gets_an_error_frame_and_the_socket_stays_open(path):
    communicator = await signed_in(path)
    if path == "/ws/notifications/":
        assert (await communicator.receive_json_from(timeout=5))["type"] == "unread.count"
    await communicator.send_to(bytes_data=b"\x00\x01")
    await assert_error_and_still_open(communicator, "invalid_frame")


async def test_deeply_nested_json_gets_an_error_frame():
    communicator = await signed_in()
    await communicator.send_to(text_data="[" * 50_000)
    await assert_error_and_still_open(communicator, "invalid_frame")


async def test_json_that_is_not_an_object_gets_an_error_frame():
    communicator = await signed_in()
    await communicator.send_to(text_data="[1, 2]")
    await assert_error_and_still_open(communicator, "invalid_frame")


async def test_oversize_frame_gets_an_error_frame():
    communicator = await signed_in()
    await communicator.send_to(text_data='"' + "x" * (MAX_FRAME_CHARS + 1) + '"')
    await assert_error_and_still_open(communicator, "frame_too_large")


async def test_session_cookie_socket_receives_own_events_only():
    alice, bob = await make_user(), await make_user()
    cookie = await session_cookie_for(alice)
    communicator = WebsocketCommunicator(
        application, "/ws/me/", headers=[*HEADERS, (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    await in_groups(communicator)
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
    await in_groups(communicator)

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


# --- the token as a subprotocol (Sec-WebSocket-Protocol) ---------------------------------


async def test_token_subprotocol_signs_the_socket_in_and_only_kalpla_v1_is_echoed():
    user = await make_user()
    token = await app_token_for(user)
    communicator = WebsocketCommunicator(
        application,
        "/ws/me/",
        headers=[(b"host", b"testserver")],
        subprotocols=["kalpla.v1", f"kalpla.token.{token}"],
    )
    connected, subprotocol = await communicator.connect()
    assert connected
    assert subprotocol == "kalpla.v1"
    await in_groups(communicator)
    await publish(user.pk, "hello")
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["payload"] == {"text": "hello"}
    await communicator.disconnect()


async def test_token_subprotocol_is_hidden_from_consumers():
    seen: list = []

    class Recorder(KalplaConsumer):
        async def ready(self) -> None:
            seen.append(list(self.scope["subprotocols"]))

    from kalpla.ws_auth import TokenOrSessionAuthMiddlewareStack

    token = await app_token_for(await make_user())
    communicator = WebsocketCommunicator(
        TokenOrSessionAuthMiddlewareStack(Recorder.as_asgi()),
        "/ws/x/",
        subprotocols=["kalpla.v1", f"kalpla.token.{token}"],
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "ping", "id": "1"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    assert seen == [["kalpla.v1"]]
    await communicator.disconnect()


async def test_token_subprotocol_alone_is_accepted_without_a_subprotocol():
    token = await app_token_for(await make_user())
    communicator = WebsocketCommunicator(
        application, "/ws/me/", headers=HEADERS, subprotocols=[f"kalpla.token.{token}"]
    )
    connected, subprotocol = await communicator.connect()
    assert connected
    assert subprotocol is None  # never the token
    await communicator.send_json_to({"type": "ping", "id": "1"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    await communicator.disconnect()


async def test_bad_token_subprotocol_is_closed_4401():
    communicator = WebsocketCommunicator(
        application, "/ws/me/", headers=HEADERS, subprotocols=["kalpla.v1", "kalpla.token.nope"]
    )
    await assert_closed(communicator, 4401)


async def test_cookie_socket_offering_kalpla_v1_gets_it():
    cookie = await session_cookie_for(await make_user())
    communicator = WebsocketCommunicator(
        application, "/ws/me/", headers=[*HEADERS, (b"cookie", cookie)], subprotocols=["kalpla.v1"]
    )
    connected, subprotocol = await communicator.connect()
    assert connected and subprotocol == "kalpla.v1"
    await communicator.disconnect()


async def test_socket_offering_no_subprotocol_gets_none():
    communicator = await signed_in()
    assert communicator.scope["subprotocols"] == []
    await communicator.send_json_to({"type": "ping", "id": "1"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    await communicator.disconnect()


# --- the transport limit, when a server hands the consumer more than it should ----------


@pytest.mark.parametrize(
    "frame",
    [
        {"text_data": "x" * 1001},
        {"text_data": "€" * 334},  # 334 characters, 1002 UTF-8 bytes
        {"bytes_data": b"x" * 1001},
    ],
    ids=["ascii", "multibyte", "binary"],
)
async def test_frame_over_the_transport_limit_is_closed_1009(settings, frame):
    settings.KALPLA_WS_MAX_FRAME_BYTES = 1000
    communicator = await signed_in()
    await communicator.send_to(**frame)
    message = await communicator.receive_output(timeout=5)
    assert message["type"] == "websocket.close" and message["code"] == 1009
    await communicator.disconnect()


async def test_frame_at_the_transport_limit_is_read(settings):
    settings.KALPLA_WS_MAX_FRAME_BYTES = 1000
    communicator = await signed_in()
    await communicator.send_to(text_data="€" * 333)  # 999 bytes: not JSON, but not too big
    await assert_error_and_still_open(communicator, "invalid_frame")


# Two runs of one test in one worker (the xdist group), in either order: the later must not
# meet the earlier's layer (whose locks and receive state belong to that test's event loop).
_LAYERS_SEEN: list[object] = []  # kept alive, so no new layer can reuse an id


@pytest.mark.xdist_group("channel-layer-per-test")
@pytest.mark.parametrize("run", [1, 2])
async def test_each_test_gets_a_channel_layer_of_its_own(run):
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    assert all(layer is not seen for seen in _LAYERS_SEEN)
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "probe"})
    assert (await layer.receive(channel))["type"] == "probe"
    _LAYERS_SEEN.append(layer)
