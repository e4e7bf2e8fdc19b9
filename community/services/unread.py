"""Unread counts pushed live: after a message arrives in a room or is deleted, every member
hears their unread count there on their own stream (``/ws/me/``, ``room.unread``), so room
lists and app badges follow without polling. Runs on Celery after the commit (thin task
below); reading pushes the reader's own count at once (``services.messages.room_mark_read``).
"""

from celery import shared_task

from community.models import Message
from community.selectors.chat import room_member_ids, room_unread_counts
from kalpla.realtime import frame, realtime_send_many, user_group
from kalpla.streams import streams_open


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
    return room_unread_push(message_id=message_id, room_id=room_id)
