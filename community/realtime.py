"""The chat's channel-layer groups and the events its services publish (on commit).

Every socket of a room is in ``chat_room_<room id>``; every chat socket of a user is also
in ``chat_member_<user id>``, where the membership services send a kick when the user loses
a room, so their open sockets there close with 4403 whatever server process holds them.

A group's feed and post pages listen on ``group_feed_<group id>`` (``/ws/groups/<id>/feed/``)
for ``post.new`` and ``comment.new``: ids only, never content, so a page that stays open after
its reader left a private group learns nothing but that something was written.
"""

from typing import Any

from kalpla.realtime import realtime_publish


def room_group(room_id: int) -> str:
    return f"chat_room_{room_id}"


def member_group(user_id: int) -> str:
    return f"chat_member_{user_id}"


def room_publish(*, room_id: int, type: str, payload: dict[str, Any]) -> None:
    realtime_publish(group=room_group(room_id), type=type, payload=payload)


def held_publish(*, author_id: int, message: dict[str, Any]) -> None:
    """A message held for review reaches its author's own sockets in the room (the other tabs
    and devices of the person who sent it), nobody else's."""
    realtime_publish(
        group=member_group(author_id), type="message.new", payload={"message": message}
    )


def kick_publish(*, user_id: int, room_id: int) -> None:
    realtime_publish(group=member_group(user_id), type="room.removed", payload={"room_id": room_id})


def hidden_publish(*, room_id: int, message_id: int, seq: int, changed_seq: int) -> None:
    """A message left the room's view (hidden by a moderator, or held after an edit)."""
    room_publish(
        room_id=room_id,
        type="message.hidden",
        payload={
            "message_id": message_id,
            "room_id": room_id,
            "seq": seq,
            "changed_seq": changed_seq,
        },
    )


def feed_group(group_id: int) -> str:
    return f"group_feed_{group_id}"


def post_new_publish(
    *, group_id: int, post_id: int, channel_id: int | None, author_id: int
) -> None:
    """A post reached the group's readers (published on creation or approved later)."""
    realtime_publish(
        group=feed_group(group_id),
        type="post.new",
        payload={
            "group_id": group_id,
            "post_id": post_id,
            "channel_id": channel_id,
            "author_id": author_id,
        },
    )


def comment_new_publish(*, group_id: int, post_id: int, comment_id: int, author_id: int) -> None:
    realtime_publish(
        group=feed_group(group_id),
        type="comment.new",
        payload={
            "group_id": group_id,
            "post_id": post_id,
            "comment_id": comment_id,
            "author_id": author_id,
        },
    )
