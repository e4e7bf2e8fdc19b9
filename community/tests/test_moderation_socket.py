"""Moderation on /ws/chat/<room_id>/ with the real channel layer: held messages reach only
their author, approval and hiding reach the room, a mute refuses frames with an error frame,
a group or site ban closes the banned user's open socket."""

import pytest
from channels.db import database_sync_to_async

from accounts.tests.factories import UserFactory
from community.services.sanctions import moderation_act
from community.tests.factories import send
from community.tests.test_chat_consumer import closed_with, connect, make_room, receive
from moderation.models import ModerationItem

pytestmark = pytest.mark.django_db(transaction=True)

THREAT = "I will kill you"


async def frames_within(communicator, seconds: float) -> list[str]:
    """The types of the frames that arrive within ``seconds`` (presence frames included)."""
    types = []
    while not await communicator.receive_nothing(timeout=seconds):
        types.append((await communicator.receive_json_from())["type"])
    return types


@database_sync_to_async
def act(message_id: int, action: str, **kwargs):
    item = ModerationItem.objects.get(object_id=str(message_id), content_type__model="message")
    moderator = UserFactory(roles=("Moderator",))
    return moderation_act(item=item, by=moderator, action=action, **kwargs)


async def test_a_held_message_reaches_only_its_author_until_approved():
    _group, room, owner, [member] = await make_room()
    alice, bob = await connect(owner, room), await connect(member, room)
    await bob.send_json_to({"type": "send", "id": "s1", "payload": {"body": THREAT}})
    ack = await receive(bob, "ack")
    held = ack["payload"]["message"]
    assert held["status"] == "held"
    assert "message.new" not in await frames_within(alice, 0.5)  # not broadcast
    await act(held["id"], "approve")
    heard = await receive(alice, "message.new")
    assert heard["payload"]["message"]["id"] == held["id"]
    assert heard["payload"]["message"]["status"] == "published"
    await alice.disconnect()
    await bob.disconnect()


async def test_a_held_message_reaches_its_authors_other_devices_in_that_room_only():
    group, room, owner, [member] = await make_room()
    other_room = await database_sync_to_async(lambda: _second_room(group, owner))()
    alice = await connect(owner, room)
    bob_phone, bob_laptop = await connect(member, room), await connect(member, room)
    bob_elsewhere = await connect(member, other_room)
    for socket in (alice, bob_laptop, bob_elsewhere):
        # answered: the socket finished connecting and is in its groups
        await socket.send_json_to({"type": "ping", "id": "ready"})
        await receive(socket, "pong")
    await bob_phone.send_json_to({"type": "send", "id": "s1", "payload": {"body": THREAT}})
    held = (await receive(bob_phone, "ack"))["payload"]["message"]
    assert held["status"] == "held"
    # the author's other device in the room shows it, marked held
    seen = await receive(bob_laptop, "message.new")
    assert seen["payload"]["message"]["id"] == held["id"]
    assert seen["payload"]["message"]["status"] == "held"
    # nobody else hears of it, nor does the author's socket in another room
    assert "message.new" not in await frames_within(alice, 0.5)
    assert "message.new" not in await frames_within(bob_elsewhere, 0.3)
    for socket in (alice, bob_phone, bob_laptop, bob_elsewhere):
        await socket.disconnect()


def _second_room(group, owner):
    from community.services.membership import channel_add

    return channel_add(group=group, user=owner, name="second").room


async def test_hiding_a_published_message_tells_the_room():
    _group, room, owner, [member] = await make_room()
    message = await database_sync_to_async(send)(room, member, "Call me on +91 98765 43210")
    alice = await connect(owner, room)
    await act(message.pk, "hide")
    hidden = await receive(alice, "message.hidden")
    assert hidden["payload"] == {
        "message_id": message.pk,
        "room_id": room.pk,
        "seq": 1,
        "changed_seq": 2,  # sent, then hidden
    }
    await alice.disconnect()


async def test_a_muted_members_frames_get_an_error_frame():
    _group, room, _owner, [member] = await make_room()
    message = await database_sync_to_async(send)(room, member, THREAT)
    bob = await connect(member, room)
    await act(message.pk, "mute", days=1)
    await bob.send_json_to({"type": "send", "id": "s2", "payload": {"body": "let me talk"}})
    error = await receive(bob, "error")
    assert error["code"] == "muted" and error["id"] == "s2"
    await bob.send_json_to({"type": "typing", "id": "t"})  # the socket stays open
    await bob.disconnect()


async def test_a_group_ban_closes_the_banned_users_socket_and_keeps_them_out():
    _group, room, _owner, [member] = await make_room()
    message = await database_sync_to_async(send)(room, member, THREAT)
    bob = await connect(member, room)
    await act(message.pk, "ban_group", note="Threats")
    removed = await receive(bob, "room.removed")
    assert removed["payload"]["room_id"] == room.pk
    assert await closed_with(bob) == 4403
    again = await connect(member, room)
    assert await closed_with(again) == 4403


async def test_a_site_ban_closes_the_banned_users_socket():
    _group, room, _owner, [member] = await make_room()
    message = await database_sync_to_async(send)(room, member, THREAT)
    bob = await connect(member, room)
    await act(message.pk, "ban_site", note="Threats")
    await receive(bob, "room.removed")
    assert await closed_with(bob) == 4403


async def test_catch_up_tells_a_returning_reader_what_was_hidden_and_never_shows_held_text():
    _group, room, _owner, [member, reader] = await make_room(members=2)
    shown = await database_sync_to_async(send)(room, member, "Call me on +91 98765 43210")
    await database_sync_to_async(send)(room, member, THREAT)  # held from the start
    # while another member is away, a moderator hides the first message
    await act(shown.pk, "hide")
    alice = await connect(reader, room, query="since_seq=0")
    frames = []
    while (frame := await receive_any(alice))["type"] != "resume.done":
        frames.append(frame)
    kinds = [(f["type"], f["payload"].get("message_id") or f["payload"]["message"]["id"])
             for f in frames if f["type"].startswith("message.")]  # fmt: skip
    assert kinds == [("message.hidden", shown.pk)]  # the held one is not mentioned at all
    assert THREAT not in str(frames)
    await alice.disconnect()


async def receive_any(communicator) -> dict:
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        if not frame["type"].startswith(("presence", "typing")):
            return frame
