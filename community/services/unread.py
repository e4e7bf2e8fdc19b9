"""Unread counts pushed live: after a message arrives in a room or is deleted, every member
hears their unread count there on their own stream (``/ws/me/``, ``room.unread``), so room
lists and app badges follow without polling. Runs on Celery after the commit (thin task
below); reading pushes the reader's own count at once (``services.messages.room_mark_read``).
"""

from celery import shared_task

from community.models import Message
from community.selectors.chat import room_unread_counts
from kalpla.realtime import frame, realtime_send_now, user_group


def room_unread_push(*, message_id: int) -> int:
    """Send every member of the message's room their unread count there. Returns how many
    were sent. One query for the counts whatever the number of members."""
    room_id = Message.objects.filter(pk=message_id).values_list("room_id", flat=True).first()
    if room_id is None:
        return 0
    counts = room_unread_counts(room_id=room_id)
    for user_id, last_read_id, unread in counts:
        realtime_send_now(
            group=user_group(user_id),
            event=frame(
                type="room.unread",
                payload={"room_id": room_id, "unread": unread, "last_read_id": last_read_id},
            ),
        )
    return len(counts)


@shared_task(name="community.chat_unread_push", ignore_result=True)
def chat_unread_push_task(message_id: int) -> int:
    return room_unread_push(message_id=message_id)
