"""/ws/chat/ catch-up by change number and live unread counts on /ws/me/, on the real
channel layer (Redis)."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.tests.factories import UserFactory
from community.models import RoomMember
from community.services.groups import course_group_sync
from community.services.messages import message_delete, message_edit, reaction_set
from community.tests.factories import send
from community.tests.test_chat_consumer import (
    HEADERS,
    closed_with,
    connect,
    cookie_for,
    make_room,
    receive,
)
from courses.tests.factories import CourseFactory
from kalpla.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


async def connect_me(user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application, "/ws/me/", headers=[*HEADERS, (b"cookie", await cookie_for(user))]
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    # a ping answered means the socket finished connecting and is listed as the user's open
    # stream (frames are handled in order): unread pushes sent from now on reach it
    await communicator.send_json_to({"type": "ping", "id": "ready"})
    assert (await receive(communicator, "pong"))["id"] == "ready"
    return communicator


async def test_reconnect_by_change_number_catches_up_edits_deletes_and_reactions():
    _group, room, owner, [member] = await make_room()
    db = database_sync_to_async
    kept = await db(send)(room, owner, "kept")
    edited = await db(send)(room, owner, "Frist")
    gone = await db(send)(room, owner, "oops")
    # bob saw everything up to change 3, then went away while...
    await db(message_edit)(message=edited, user=owner, body="First")
    await db(reaction_set)(message=kept, user=owner, emoji="👍")
    await db(message_delete)(message=gone, user=owner)
    new = await db(send)(room, owner, "new")
    bob = await connect(member, room, query="since_seq=3")
    replayed = [(await receive(bob, "message.new"))["payload"] for _ in range(4)]
    assert all(p["replay"] for p in replayed)
    by_id = {p["message"]["id"]: p["message"] for p in replayed}
    assert [p["message"]["changed_seq"] for p in replayed] == [4, 5, 6, 7]
    assert by_id[edited.pk]["body"] == "First" and by_id[edited.pk]["edited_at"]
    assert by_id[kept.pk]["reactions"] == [{"emoji": "👍", "count": 1, "user_ids": [owner.pk]}]
    assert by_id[gone.pk]["deleted"] is True and by_id[gone.pk]["body"] == ""
    assert by_id[new.pk]["seq"] == 4
    done = await receive(bob, "resume.done")
    assert done["payload"]["count"] == 4 and done["payload"]["change_seq"] == 7
    assert done["payload"]["last_seq"] == 4 and done["payload"]["more"] is False
    # the resume frame does the same over an open socket
    await bob.send_json_to({"type": "resume", "id": "r", "payload": {"since_seq": 6}})
    again = await receive(bob, "message.new")
    assert again["payload"]["message"]["id"] == new.pk
    assert (await receive(bob, "resume.done"))["id"] == "r"
    # and live changes keep flowing after the catch-up, with their change number
    alice = await connect(owner, room)
    await alice.send_json_to(
        {"type": "react", "id": "x", "payload": {"message_id": new.pk, "emoji": "🎉"}}
    )
    live = await receive(bob, "message.reactions")
    assert live["payload"]["message"]["changed_seq"] == 8
    await alice.disconnect()
    await bob.disconnect()


async def test_resume_without_a_position_is_an_error_frame():
    _group, room, owner, _ = await make_room()
    alice = await connect(owner, room)
    await alice.send_json_to({"type": "resume", "id": "r", "payload": {}})
    error = await receive(alice, "error")
    assert error["id"] == "r" and error["code"] == "invalid_frame"
    await alice.disconnect()


async def test_unread_counts_are_pushed_to_the_members_own_stream():
    _group, room, owner, [member] = await make_room()
    bob_me = await connect_me(member)
    alice = await connect(owner, room)
    await alice.send_json_to({"type": "send", "id": "s1", "payload": {"body": "one"}})
    first = (await receive(alice, "ack"))["payload"]["message"]
    pushed = await receive(bob_me, "room.unread")
    assert pushed["payload"] == {"room_id": room.pk, "unread": 1, "last_read_id": 0}
    await alice.send_json_to({"type": "send", "id": "s2", "payload": {"body": "two"}})
    assert (await receive(bob_me, "room.unread"))["payload"]["unread"] == 2
    # bob reads the first one in the room (another tab): his stream hears the new count
    bob = await connect(member, room)
    await bob.send_json_to({"type": "read", "id": "rd", "payload": {"message_id": first["id"]}})
    assert (await receive(bob, "ack"))["payload"]["unread"] == 1
    read = await receive(bob_me, "room.unread")
    assert read["payload"] == {"room_id": room.pk, "unread": 1, "last_read_id": first["id"]}
    # a deleted message no longer counts
    await alice.send_json_to({"type": "delete", "id": "d", "payload": {"message_id": first["id"]}})
    await receive(alice, "ack")
    assert (await receive(bob_me, "room.unread"))["payload"]["unread"] == 1
    row = await database_sync_to_async(RoomMember.objects.get)(room=room, user=member)
    assert row.last_read_id == first["id"]
    for socket in (alice, bob, bob_me):
        await socket.disconnect()


async def test_opening_a_room_socket_does_not_mark_anything_read():
    _group, room, owner, [member] = await make_room()
    await database_sync_to_async(send)(room, owner, "unread")
    bob = await connect(member, room, query="since_seq=0")
    await receive(bob, "resume.done")
    row = await database_sync_to_async(RoomMember.objects.get)(room=room, user=member)
    assert row.last_read_id == 0
    await bob.disconnect()


async def test_a_reply_carries_its_thread_start_to_quote():
    _group, room, owner, [member] = await make_room()
    start = await database_sync_to_async(send)(room, owner, "Is **lesson 3** out?")
    bob = await connect(member, room)
    await bob.send_json_to(
        {"type": "send", "id": "s", "payload": {"body": "Yes", "parent_id": start.pk}}
    )
    reply = (await receive(bob, "ack"))["payload"]["message"]
    assert reply["parent_id"] == start.pk
    assert reply["parent"]["excerpt"] == "Is lesson 3 out?"
    assert reply["parent"]["author"]["id"] == owner.pk and reply["parent"]["deleted"] is False
    await bob.disconnect()


async def test_an_instructor_taken_off_a_course_loses_its_rooms_sockets():
    db = database_sync_to_async
    mentor = await db(UserFactory)(roles=("Mentor",))

    def course_room():
        course = CourseFactory(instructors=[mentor])
        return course, course_group_sync(course_id=course.pk).channels.get().room

    course, room = await db(course_room)()
    socket = await connect(mentor, room)
    await db(course.instructors.remove)(mentor)  # committed: the signal follows
    removed = await receive(socket, "room.removed")
    assert removed["payload"] == {"room_id": room.pk}
    assert await closed_with(socket) == 4403


async def test_unread_counts_go_only_to_members_with_their_stream_open():
    from community.services.unread import room_unread_push

    _group, room, owner, [member] = await make_room()
    alice = await connect(owner, room)
    await alice.send_json_to({"type": "send", "id": "s1", "payload": {"body": "one"}})
    sent = (await receive(alice, "ack"))["payload"]["message"]
    # nobody listens on /ws/me/: nothing to send
    assert await database_sync_to_async(room_unread_push)(message_id=sent["id"]) == 0
    bob_me = await connect_me(member)
    assert await database_sync_to_async(room_unread_push)(message_id=sent["id"]) == 1
    assert (await receive(bob_me, "room.unread"))["payload"]["unread"] == 1
    await bob_me.disconnect()
    # the stream closed: its listing went with it
    assert await database_sync_to_async(room_unread_push)(message_id=sent["id"]) == 0
    await alice.disconnect()
