"""/ws/chat/<room_id>/ on the real channel layer (Redis, as in production)."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from accounts.tests.factories import UserFactory
from community.live import presence_online
from community.models import Message, RoomMember
from community.services.groups import group_member_remove
from community.tests.factories import send, topic_group
from kalpla.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


@database_sync_to_async
def make_room(members: int = 1):
    owner = UserFactory()
    others = UserFactory.create_batch(members)
    group, room = topic_group(owner=owner, members=tuple(others))
    return group, room, owner, others


@database_sync_to_async
def cookie_for(user) -> bytes:
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={value}".encode()


async def connect(user, room, query: str = "") -> WebsocketCommunicator:
    path = f"/ws/chat/{room.pk}/" + (f"?{query}" if query else "")
    communicator = WebsocketCommunicator(
        application, path, headers=[*HEADERS, (b"cookie", await cookie_for(user))]
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    return communicator


async def receive(communicator, type_: str, timeout: float = 5) -> dict:
    """The next frame of ``type_`` (presence and typing frames of others are skipped)."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == type_:
            return frame


async def closed_with(communicator) -> int:
    while True:
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output["code"]


async def test_outsider_socket_is_refused_with_4403():
    _group, room, _owner, _ = await make_room()
    outsider = await database_sync_to_async(UserFactory)()
    communicator = WebsocketCommunicator(
        application,
        f"/ws/chat/{room.pk}/",
        headers=[*HEADERS, (b"cookie", await cookie_for(outsider))],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected  # accepted first, so the refusal reaches the client as a close code
    assert await closed_with(communicator) == 4403


async def test_anonymous_socket_is_closed_4401(settings):
    settings.KALPLA_WS_AUTH_TIMEOUT = 0.2
    _group, room, _owner, _ = await make_room()
    communicator = WebsocketCommunicator(application, f"/ws/chat/{room.pk}/", headers=HEADERS)
    await communicator.connect(timeout=5)
    assert await closed_with(communicator) == 4401


async def test_send_is_acknowledged_stored_and_broadcast_to_another_member():
    _group, room, owner, [member] = await make_room()
    alice, bob = await connect(owner, room), await connect(member, room)
    await receive(bob, "presence")  # bob is in the room's groups (connect returns on accept)
    await alice.send_json_to(
        {"type": "send", "id": "f1", "payload": {"body": "Hi **all**", "client_id": "c1"}}
    )
    ack = await receive(alice, "ack")
    assert ack["id"] == "f1" and ack["payload"]["duplicate"] is False
    sent = ack["payload"]["message"]
    assert (
        sent["seq"] == 1
        and sent["client_id"] == "c1"
        and "<strong>all</strong>" in sent["body_html"]
    )
    heard = await receive(bob, "message.new")
    assert heard["payload"]["message"]["id"] == sent["id"]
    assert heard["payload"]["message"]["seq"] == 1 and heard["id"]
    assert await database_sync_to_async(Message.objects.filter(room=room).count)() == 1
    await alice.disconnect()
    await bob.disconnect()


async def test_resend_with_the_same_client_id_is_not_stored_twice():
    _group, room, owner, [member] = await make_room()
    alice, bob = await connect(owner, room), await connect(member, room)
    await receive(bob, "presence")  # bob is in the room's groups (connect returns on accept)
    frame = {"type": "send", "id": "f1", "payload": {"body": "Once", "client_id": "same"}}
    await alice.send_json_to(frame)
    first = await receive(alice, "ack")
    await alice.send_json_to({**frame, "id": "f2"})
    again = await receive(alice, "ack")
    assert again["payload"]["duplicate"] is True
    assert again["payload"]["message"]["id"] == first["payload"]["message"]["id"]
    assert await database_sync_to_async(Message.objects.filter(room=room).count)() == 1
    await receive(bob, "message.new")
    assert await bob.receive_nothing(timeout=0.3)  # one broadcast only
    await alice.disconnect()
    await bob.disconnect()


async def test_edit_delete_and_react_reach_the_room():
    _group, room, owner, [member] = await make_room()
    message = await database_sync_to_async(send)(room, owner, "Frist")
    alice, bob = await connect(owner, room), await connect(member, room)
    await receive(bob, "presence")  # bob is in the room's groups (connect returns on accept)
    await alice.send_json_to(
        {"type": "edit", "id": "e", "payload": {"message_id": message.pk, "body": "First"}}
    )
    edited = await receive(bob, "message.edited")
    assert edited["payload"]["message"]["body"] == "First"
    assert edited["payload"]["message"]["edited_at"]
    await bob.send_json_to(
        {"type": "react", "id": "r", "payload": {"message_id": message.pk, "emoji": "🎉"}}
    )
    reacted = await receive(alice, "message.reactions")
    assert reacted["payload"]["message"]["reactions"] == [
        {"emoji": "🎉", "count": 1, "user_ids": [member.pk]}
    ]
    await alice.send_json_to({"type": "delete", "id": "d", "payload": {"message_id": message.pk}})
    deleted = await receive(bob, "message.deleted")
    payload = deleted["payload"]["message"]
    assert payload["deleted"] is True and payload["body"] == "" and payload["seq"] == 1
    # bob may not edit alice's message: an error frame, the socket stays open
    await bob.send_json_to(
        {"type": "edit", "id": "e2", "payload": {"message_id": message.pk, "body": "x"}}
    )
    error = await receive(bob, "error")
    assert error["id"] == "e2" and error["code"] == "not_author"
    await alice.disconnect()
    await bob.disconnect()


async def test_typing_reaches_the_other_members():
    _group, room, owner, [member] = await make_room()
    alice, bob = await connect(owner, room), await connect(member, room)
    await receive(bob, "presence")  # bob is in the room's groups (connect returns on accept)
    await alice.send_json_to({"type": "typing", "id": "t", "payload": {}})
    typing = await receive(bob, "typing")
    assert typing["payload"]["user"]["id"] == owner.pk and typing["payload"]["room_id"] == room.pk
    await alice.disconnect()
    await bob.disconnect()


async def test_presence_is_kept_in_redis_and_broadcast():
    _group, room, owner, [member] = await make_room()
    alice = await connect(owner, room)
    first = await receive(alice, "presence")
    assert first["payload"]["online"] == [owner.pk]
    bob = await connect(member, room)
    joined = await receive(alice, "presence")
    assert joined["payload"]["online"] == sorted([owner.pk, member.pk])
    # what another server process would read: the shared store
    assert presence_online(room_id=room.pk) == sorted([owner.pk, member.pk])
    await bob.send_json_to({"type": "heartbeat", "id": "h", "payload": {}})
    beat = await receive(bob, "ack")
    assert beat["payload"]["online"] == sorted([owner.pk, member.pk])
    await bob.disconnect()
    left = await receive(alice, "presence")
    assert left["payload"]["online"] == [owner.pk]
    await alice.disconnect()


async def test_read_frame_marks_read_and_returns_the_unread_count():
    _group, room, owner, [member] = await make_room()
    first = await database_sync_to_async(send)(room, owner, "1")
    await database_sync_to_async(send)(room, owner, "2")
    bob = await connect(member, room)
    await bob.send_json_to({"type": "read", "id": "r", "payload": {"message_id": first.pk}})
    ack = await receive(bob, "ack")
    assert ack["payload"] == {"room_id": room.pk, "last_read_id": first.pk, "unread": 1}
    row = await database_sync_to_async(RoomMember.objects.get)(room=room, user=member)
    assert row.last_read_id == first.pk
    await bob.disconnect()


async def test_reconnect_catches_up_from_the_last_seen_id_before_live_frames():
    _group, room, owner, [member] = await make_room()
    seen = await database_sync_to_async(send)(room, owner, "seen")
    # bob is away while two messages are sent
    missed = [await database_sync_to_async(send)(room, owner, f"missed {n}") for n in (1, 2)]
    bob = await connect(member, room, query=f"last_seen_id={seen.pk}")
    replayed = [await receive(bob, "message.new") for _ in missed]
    assert [f["payload"]["message"]["id"] for f in replayed] == [m.pk for m in missed]
    assert all(f["payload"]["replay"] for f in replayed)
    done = await receive(bob, "resume.done")
    assert done["payload"]["count"] == 2 and done["payload"]["last_seq"] == 3
    # the resume frame does the same for clients that sign in with their first frame
    await bob.send_json_to({"type": "resume", "id": "z", "payload": {"last_seen_id": missed[0].pk}})
    again = await receive(bob, "message.new")
    assert again["payload"]["message"]["id"] == missed[1].pk
    assert (await receive(bob, "resume.done"))["id"] == "z"
    await bob.disconnect()


async def test_removed_member_socket_is_closed_with_4403():
    group, room, _owner, [member] = await make_room()
    bob = await connect(member, room)
    await database_sync_to_async(group_member_remove)(group=group, user_id=member.pk)
    removed = await receive(bob, "room.removed")
    assert removed["payload"] == {"room_id": room.pk}
    assert await closed_with(bob) == 4403


async def test_a_removal_while_the_socket_joins_its_groups_still_closes_it(monkeypatch):
    # The member is removed after the socket's first check and before it joins its groups:
    # the room.removed sent on that commit cannot reach it, so it checks again once joined.
    from community.consumers import ChatConsumer

    group, room, _owner, [member] = await make_room()
    joining = ChatConsumer.groups_for

    async def removed_meanwhile(self):
        await database_sync_to_async(group_member_remove)(group=group, user_id=member.pk)
        return await joining(self)

    monkeypatch.setattr(ChatConsumer, "groups_for", removed_meanwhile)
    bob = await connect(member, room)
    removed = await receive(bob, "room.removed")
    assert removed["payload"] == {"room_id": room.pk}
    assert await closed_with(bob) == 4403


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "send", "id": "x", "payload": {}}, "invalid_frame"),
        ({"type": "send", "id": "x", "payload": {"body": 5}}, "invalid_frame"),
        ({"type": "send", "id": "x", "payload": {"body": "a", "extra": 1}}, "invalid_frame"),
        ({"type": "send", "id": "x", "payload": {"body": "a" * 4001}}, "invalid_frame"),
        ({"type": "read", "id": "x", "payload": {"message_id": True}}, "invalid_frame"),
        ({"type": "dance", "id": "x", "payload": {}}, "unknown_type"),
        ({"type": "send", "id": "x", "payload": {"body": "   "}}, "empty"),
        ({"type": "read", "id": "x", "payload": {"message_id": 999999}}, "message_not_found"),
    ],
)
async def test_bad_frames_get_an_error_frame_and_the_socket_stays_open(frame, code):
    _group, room, owner, _ = await make_room()
    alice = await connect(owner, room)
    await alice.send_json_to(frame)
    error = await receive(alice, "error")
    assert error["code"] == code and error["id"] == "x"
    await alice.send_json_to({"type": "heartbeat", "id": "still", "payload": {}})
    assert (await receive(alice, "ack"))["id"] == "still"
    await alice.disconnect()


async def test_oversized_frame_gets_an_error_frame():
    _group, room, owner, _ = await make_room()
    alice = await connect(owner, room)
    await alice.send_to(text_data='{"type": "send", "payload": {"body": "' + "a" * 70000 + '"}}')
    assert (await receive(alice, "error"))["code"] == "frame_too_large"
    await alice.disconnect()


async def test_frames_over_the_rate_limit_get_an_error_frame(settings):
    settings.KALPLA_CHAT_FRAMES_PER_ROOM = 3
    _group, room, owner, _ = await make_room()
    alice = await connect(owner, room)
    for n in range(4):
        await alice.send_json_to({"type": "typing", "id": f"t{n}", "payload": {}})
    error = await receive(alice, "error")
    assert error["code"] == "rate_limited" and error["id"] == "t3"
    await alice.disconnect()


async def test_sends_over_the_rate_limit_get_an_error_frame_and_are_not_stored(settings):
    settings.KALPLA_CHAT_FRAMES_PER_USER = 2
    _group, room, owner, _ = await make_room()
    alice = await connect(owner, room)
    for n in range(3):
        await alice.send_json_to({"type": "send", "id": f"s{n}", "payload": {"body": f"m{n}"}})
    error = await receive(alice, "error")
    assert error["code"] == "rate_limited" and error["id"] == "s2"
    stored = await database_sync_to_async(
        lambda: list(Message.objects.filter(room=room).values_list("body", flat=True))
    )()
    assert sorted(stored) == ["m0", "m1"]
    await alice.disconnect()


async def test_socket_closes_with_1012_when_redis_is_unreachable(settings):
    _group, room, owner, _ = await make_room()
    # presence lives in Redis: a Redis the process cannot reach (a closed port)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    alice = await connect(owner, room)
    assert await closed_with(alice) == 1012


async def test_ids_beyond_bigint_are_an_error_frame_not_a_crash():
    _group, room, owner, _ = await make_room()
    alice = await connect(owner, room)
    await alice.send_json_to({"type": "delete", "id": "big", "payload": {"message_id": 2**70}})
    assert (await receive(alice, "error"))["code"] == "invalid_frame"
    await alice.disconnect()


async def test_a_send_is_acknowledged_when_the_unread_push_after_it_fails(monkeypatch):
    """The unread counts are pushed after the commit, best effort: their failure must not
    cost the sender the ack of a message that is stored and broadcast."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from community.services import unread

    def down(**kwargs):
        raise RedisConnectionError("streams list unreachable")

    monkeypatch.setattr(unread, "streams_open", down)
    _group, room, owner, [member] = await make_room()
    alice, bob = await connect(owner, room), await connect(member, room)
    await receive(bob, "presence")  # bob is in the room's groups
    await alice.send_json_to({"type": "send", "id": "f1", "payload": {"body": "Still here"}})
    ack = await receive(alice, "ack")
    assert ack["id"] == "f1" and ack["payload"]["message"]["body"] == "Still here"
    heard = await receive(bob, "message.new")
    assert heard["payload"]["message"]["id"] == ack["payload"]["message"]["id"]
    await alice.disconnect()
    await bob.disconnect()
