"""Unread counts pushed live: after a message arrives in a room or is deleted, every member
hears their unread count there on their own stream (``/ws/me/``, ``room.unread``), so room
lists and app badges follow without polling. Runs on Celery after the commit (thin task
below); reading pushes the reader's own count at once (``services.messages.room_mark_read``).

A busy room does not queue a push per message: ``room_unread_push_later`` queues one at a
time per room, run ``PUSH_DELAY`` seconds later, and the messages arriving meanwhile ride
on it (the task counts what is committed when it runs, after it has cleared the room's
mark, so a message is always counted by a push that starts after its commit).
"""

from celery import shared_task
from django.core.cache import cache

from community.models import Message
from community.selectors.chat import room_member_ids, room_unread_counts
from kalpla.realtime import frame, realtime_send_many, user_group
from kalpla.streams import streams_open

PUSH_DELAY = 0.5  # seconds: a busy room's members hear their counts at most about twice a second
_PENDING_TIMEOUT = 60  # a mark a lost task left behind stops holding pushes back after this


def _pending_key(room_id: int) -> str:
    return f"community:unread-push:{room_id}"


def room_unread_push_later(*, message_id: int, room_id: int) -> bool:
    """Queue the room's unread push unless one is queued and not started yet (that one
    will count this message). Call after the message's commit. Returns whether it queued."""
    if not cache.add(_pending_key(room_id), message_id, timeout=_PENDING_TIMEOUT):
        return False
    chat_unread_push_task.apply_async((message_id, room_id), countdown=PUSH_DELAY)
    return True


def room_unread_push(*, message_id: int, room_id: int | None = None) -> int:
    """Send every member of the message's room who has their stream open (``/ws/me/``) their
    unread count there; the others read it when they next open a room list. Returns how many
    were sent. Who listens first (the members' ids, then one Redis round trip): the counts,
    one query whatever the number of members, only for them, and none when nobody listens."""
    if room_id is None:  # a task queued before the room's id came with it
        room_id = Message.objects.filter(pk=message_id).values_list("room_id", flat=True).first()
        if room_id is None:
            return 0
    listening = streams_open(user_ids=room_member_ids(room_id=room_id))
    if not listening:
        return 0
    counts = room_unread_counts(room_id=room_id, user_ids=sorted(listening))
    realtime_send_many(
        sends=[
            (
                user_group(user_id),
                frame(
                    type="room.unread",
                    payload={"room_id": room_id, "unread": unread, "last_read_id": last_read_id},
                ),
            )
            for user_id, last_read_id, unread in counts
        ]
    )
    return len(counts)


@shared_task(name="community.chat_unread_push", ignore_result=True)
def chat_unread_push_task(message_id: int, room_id: int | None = None) -> int:
    if room_id is not None:
        cache.delete(_pending_key(room_id))  # before counting: later messages queue anew
    return room_unread_push(message_id=message_id, room_id=room_id)
