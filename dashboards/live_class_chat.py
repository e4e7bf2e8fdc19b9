"""Each live class gets a chat room: a channel of its course's community group.

Mentorship sits beside community and cannot import it, so the wiring lives here, in the top
layer: a receiver of mentorship's ``live_class_changed`` makes the channel when a class is
scheduled and links its room to the class; a part of the class page
(``mentorship.views_live.LIVE_CLASS_PAGE_PARTS``) shows that room's chat beside the video
with the community chat's own partial and script (``static/js/chat.js``).
"""

import logging
import uuid
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from accounts.selectors import signed_in_user
from community.forms import CHAT_EMOJI, ChatMessageForm
from community.live import PRESENCE_HEARTBEAT
from community.selectors import chat as chat_selectors
from community.services.groups import channel_create, course_group_sync
from kalpla.exceptions import ApplicationError, NotFound
from mentorship.services.live import live_class_chat_room_set

CHAT_MESSAGES = 50
logger = logging.getLogger(__name__)


def live_class_chat_name(live_class: Any) -> str:
    """Unique in the group (the class's id), within the channel name's 80 characters."""
    return f"live-{live_class.pk} {live_class.title}"[:80]


def live_class_chat_ensure(*, live_class: Any) -> int:
    """The class's chat room (made on first call in the course's group, whose members are
    the course's instructors and live students); returns its id."""
    if live_class.chat_room_id:
        return int(live_class.chat_room_id)
    group = course_group_sync(course_id=live_class.course_id)
    channel = channel_create(
        group=group,
        name=live_class_chat_name(live_class),
        topic=f"Live class: {live_class.title}"[:200],
    )
    live_class_chat_room_set(live_class=live_class, room_id=channel.room_id)
    return int(channel.room_id)


def on_live_class_changed(sender: Any, *, live_class: Any, change: str, **kwargs: Any) -> None:
    """Runs after the class is committed: a chat that cannot be made is logged, and the class
    page says the chat is not ready, rather than the scheduling request failing."""
    if change != "scheduled":
        return
    try:
        live_class_chat_ensure(live_class=live_class)
    except ApplicationError:
        logger.exception("live class %s: no chat room", live_class.pk)


def _reaction_summary(messages: list[Any], user_id: int) -> list[Any]:
    for message in messages:
        counts: dict[str, list[int]] = {}
        for reaction in message.reactions.all():
            counts.setdefault(reaction.emoji, []).append(reaction.user_id)
        message.reaction_summary = [
            {"emoji": emoji, "count": len(ids), "mine": user_id in ids}
            for emoji, ids in counts.items()
        ]
    return messages


def live_class_chat_part(*, request: HttpRequest, live_class: Any) -> dict[str, Any]:
    """The class page's chat panel: the latest messages of the room, the composer and what
    chat.js reads. Nothing for someone who is not in the room (the page says so)."""
    if not live_class.chat_room_id:
        return {}
    user = signed_in_user(request)
    try:
        member = chat_selectors.room_membership_get(room_id=live_class.chat_room_id, user=user)
    except NotFound:
        return {}
    rows = list(
        chat_selectors.message_history(room_id=member.room_id, viewer=user)[: CHAT_MESSAGES + 1]
    )
    messages = list(reversed(rows[:CHAT_MESSAGES]))
    return {
        "chat": {
            "room": member.room,
            "people_names": {},
            "heartbeat": PRESENCE_HEARTBEAT,
            "history_url": reverse("chat:room", args=[member.room_id]),
        },
        # the names community/_chat_messages.html reads
        "chat_messages": _reaction_summary(messages, user.pk),
        "has_older": len(rows) > CHAT_MESSAGES,
        "last_read_id": member.last_read_id,
        "chat_emoji": CHAT_EMOJI,
        "thread": None,
        "form": ChatMessageForm(initial={"client_id": uuid.uuid4().hex}),
    }
