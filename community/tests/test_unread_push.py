"""A busy room's unread pushes: a process queues one push per room for the messages it
commits within the push's delay (each is counted by a push that runs after its commit); run
eagerly, every message pushes at once."""

import pytest

from community.services import unread


@pytest.fixture
def queued(monkeypatch):
    calls: list = []
    monkeypatch.setattr(
        unread.chat_unread_push_task,
        "apply_async",
        lambda args, countdown: calls.append((args, countdown)),
    )
    monkeypatch.setattr(unread, "_queued", {})
    return calls


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(unread.time, "time", lambda: now[0])
    return now


def test_a_busy_rooms_messages_ride_on_one_queued_push(queued, clock, monkeypatch):
    monkeypatch.setattr(unread, "_runs_eagerly", lambda: False)
    assert unread.room_unread_push_later(message_id=1, room_id=7)
    clock[0] += 0.2
    assert not unread.room_unread_push_later(message_id=2, room_id=7)  # counted by the first
    assert unread.room_unread_push_later(message_id=3, room_id=8)  # another room
    # within the clock margin of the first push's start: it may not see this commit
    clock[0] += unread.PUSH_DELAY - unread._CLOCK_MARGIN - 0.2
    assert unread.room_unread_push_later(message_id=4, room_id=7)
    assert queued == [
        ((1, 7), unread.PUSH_DELAY),
        ((3, 8), unread.PUSH_DELAY),
        ((4, 7), unread.PUSH_DELAY),
    ]


def test_run_eagerly_every_message_pushes(queued, clock, monkeypatch):
    monkeypatch.setattr(unread, "_runs_eagerly", lambda: True)
    assert unread.room_unread_push_later(message_id=1, room_id=7)
    assert unread.room_unread_push_later(message_id=2, room_id=7)
    assert len(queued) == 2


def test_a_process_forgets_lapsed_notes(queued, clock, monkeypatch):
    monkeypatch.setattr(unread, "_runs_eagerly", lambda: False)
    monkeypatch.setattr(unread, "_KEPT_NOTES", 3)
    for room in range(3):
        unread.room_unread_push_later(message_id=room, room_id=room)
    clock[0] += unread.PUSH_DELAY
    unread.room_unread_push_later(message_id=9, room_id=9)
    assert set(unread._queued) == {9}


def test_a_sockets_send_keeps_its_push_for_the_socket(queued):
    with unread.unread_pushes_kept() as kept:
        assert not unread.room_unread_push_later(message_id=5, room_id=7)
    assert kept == [(5, 7)] and queued == []


async def test_a_chat_server_runs_one_push_per_room_for_the_messages_meanwhile(monkeypatch):
    import asyncio

    pushed: list = []
    monkeypatch.setattr(unread, "room_unread_push", lambda **kwargs: pushed.append(kwargs) or 0)
    monkeypatch.setattr(unread, "PUSH_DELAY", 0.05)
    unread.room_unread_push_soon(message_id=1, room_id=7)
    unread.room_unread_push_soon(message_id=2, room_id=7)  # counted by the scheduled push
    unread.room_unread_push_soon(message_id=3, room_id=8)
    await asyncio.sleep(0.2)
    assert sorted(pushed, key=lambda p: p["room_id"]) == [
        {"message_id": 2, "room_id": 7},
        {"message_id": 3, "room_id": 8},
    ]
    unread.room_unread_push_soon(message_id=4, room_id=7)  # after the push started: anew
    await asyncio.sleep(0.2)
    assert pushed[-1] == {"message_id": 4, "room_id": 7}
