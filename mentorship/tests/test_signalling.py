"""/ws/meetings/ and /ws/live/: who gets in, and offers/answers/ICE relayed between peers."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.tests.test_chat_consumer import HEADERS, closed_with, cookie_for, receive
from enrollments.tests.factories import EnrollmentFactory
from kalpla.asgi import application
from mentorship.tests.factories import LiveClassFactory, MentorSessionFactory

pytestmark = pytest.mark.django_db(transaction=True)
db = database_sync_to_async


async def open_socket(path: str, user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application, path, headers=[*HEADERS, (b"cookie", await cookie_for(user))]
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    return communicator


def session_starting_in(minutes: int):
    start = timezone.now() + timedelta(minutes=minutes)
    return MentorSessionFactory(starts_at=start, ends_at=start + timedelta(minutes=30))


async def test_meeting_peers_meet_and_relay_an_offer_both_ways():
    session = await db(session_starting_in)(5)
    mentor = await open_socket(f"/ws/meetings/{session.pk}/", session.mentor)
    joined = await receive(mentor, "room.joined")
    mentee = await open_socket(f"/ws/meetings/{session.pk}/", session.mentee)
    mentee_joined = await receive(mentee, "room.joined")
    # each learns of the other, whichever came first
    seen_by_mentor = (await receive(mentor, "peer.joined"))["payload"]
    seen_by_mentee = (await receive(mentee, "peer.joined"))["payload"]
    assert seen_by_mentor["peer_id"] == mentee_joined["payload"]["peer_id"]
    assert seen_by_mentor["user_id"] == session.mentee_id and "channel" not in seen_by_mentor
    assert seen_by_mentee["peer_id"] == joined["payload"]["peer_id"]
    offer = {"sdp": "v=0 offer", "type": "offer"}
    await mentor.send_json_to(
        {"type": "signal", "id": "1", "payload": {"to": seen_by_mentor["peer_id"], "data": offer}}
    )
    got = (await receive(mentee, "signal"))["payload"]
    assert got == {
        "from": joined["payload"]["peer_id"],
        "user_id": session.mentor_id,
        "data": offer,
    }
    answer = {"sdp": "v=0 answer", "type": "answer"}
    await mentee.send_json_to(
        {"type": "signal", "id": "2", "payload": {"to": got["from"], "data": answer}}
    )
    assert (await receive(mentor, "signal"))["payload"]["data"] == answer
    await mentee.disconnect()
    left = (await receive(mentor, "peer.left"))["payload"]
    assert left["peer_id"] == seen_by_mentor["peer_id"]
    await mentor.disconnect()


async def test_meeting_socket_refuses_outsiders_and_closed_windows():
    session = await db(session_starting_in)(5)
    outsider = await db(UserFactory)()
    socket = await open_socket(f"/ws/meetings/{session.pk}/", outsider)
    assert await closed_with(socket) == 4403
    # a session two hours away is not open yet, even for its mentor
    later = await db(session_starting_in)(120)
    socket = await open_socket(f"/ws/meetings/{later.pk}/", later.mentor)
    assert await closed_with(socket) == 4403


async def test_signal_to_an_unknown_peer_is_an_error_frame():
    session = await db(session_starting_in)(0)
    mentor = await open_socket(f"/ws/meetings/{session.pk}/", session.mentor)
    await receive(mentor, "room.joined")
    await mentor.send_json_to(
        {"type": "signal", "id": "9", "payload": {"to": "nobody", "data": {}}}
    )
    error = await receive(mentor, "error")
    assert error["code"] == "unknown_peer" and error["id"] == "9"
    await mentor.disconnect()


async def test_live_class_viewers_signal_the_host_only():
    live = await db(LiveClassFactory)()
    students = [await db(UserFactory)() for _ in range(2)]
    for student in students:
        await db(EnrollmentFactory)(user=student, course=live.course)
    host = await open_socket(f"/ws/live/{live.pk}/", live.host)
    assert (await receive(host, "room.joined"))["payload"]["role"] == "host"
    first = await open_socket(f"/ws/live/{live.pk}/", students[0])
    await receive(first, "room.joined")
    second = await open_socket(f"/ws/live/{live.pk}/", students[1])
    await receive(second, "room.joined")
    peers_of_first = {}
    for _ in range(2):
        peer = (await receive(first, "peer.joined"))["payload"]
        peers_of_first[peer["role"]] = peer
    await first.send_json_to(
        {
            "type": "signal",
            "id": "1",
            "payload": {"to": peers_of_first["viewer"]["peer_id"], "data": {"x": 1}},
        }
    )
    assert (await receive(first, "error"))["code"] == "unknown_peer"
    await first.send_json_to(
        {
            "type": "signal",
            "id": "2",
            "payload": {"to": peers_of_first["host"]["peer_id"], "data": {"x": 2}},
        }
    )
    assert (await receive(host, "signal"))["payload"]["data"] == {"x": 2}
    outsider = await db(UserFactory)()
    socket = await open_socket(f"/ws/live/{live.pk}/", outsider)
    assert await closed_with(socket) == 4403
    for socket in (host, first, second):
        await socket.disconnect()
