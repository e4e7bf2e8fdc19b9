"""A busy room queues one unread push at a time; a push that has started lets the next
message queue another (so every message is counted by a push that starts after it)."""

from community.services import unread


def test_a_busy_rooms_unread_pushes_are_queued_one_at_a_time(monkeypatch):
    queued = []
    monkeypatch.setattr(
        unread.chat_unread_push_task,
        "apply_async",
        lambda args, countdown: queued.append((args, countdown)),
    )
    pushed = []
    monkeypatch.setattr(unread, "room_unread_push", lambda **kwargs: pushed.append(kwargs) or 0)

    assert unread.room_unread_push_later(message_id=1, room_id=7)
    assert not unread.room_unread_push_later(message_id=2, room_id=7)  # rides on the first
    assert unread.room_unread_push_later(message_id=3, room_id=8)  # another room
    assert queued == [((1, 7), unread.PUSH_DELAY), ((3, 8), unread.PUSH_DELAY)]

    unread.chat_unread_push_task.run(1, 7)  # the first push starts: counts from now on
    assert pushed == [{"message_id": 1, "room_id": 7}]
    assert unread.room_unread_push_later(message_id=4, room_id=7)
    assert not unread.room_unread_push_later(message_id=5, room_id=7)
    assert queued[-1] == ((4, 7), unread.PUSH_DELAY)
