"""/ws/chat/<room_id>/: one chat room, live (the protocol is in the README, "Chat").

Only the room's members may join (4403 otherwise, and 4403 the moment they lose the room).
Writes go through the same services as the HTTP API, so a message is stored before anyone
hears of it. A client that reconnects passes the room's last change number it saw
(``?since_seq=`` or a ``resume`` frame with ``since_seq``; every message in a frame carries
its ``changed_seq``) and gets every message made, edited, deleted or reacted to since, as it
is now, in change order, before live frames; live frames it already got in the replay are not
sent twice. The older ``last_seen_id`` (new messages only) still works.

Every client frame is checked before it is acted on: its shape (``FRAME_SCHEMAS``), its size
(``KalplaConsumer``) and a rate per user in the room and per user across rooms; a bad frame
gets an error frame back and the socket stays open.
"""

import logging
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from community import live
from community.models import ModerationStatus
from community.realtime import feed_group, member_group, room_group
from community.selectors.chat import (
    MAX_ID,
    message_get,
    messages_after,
    messages_changed_since,
    room_is_member,
    room_membership_get,
    room_unread,
)
from community.selectors.posts import group_access_get
from community.services.messages import (
    message_data,
    message_delete,
    message_edit,
    message_send,
    reaction_set,
    room_mark_read,
)
from community.services.unread import room_unread_push_soon, unread_pushes_kept
from kalpla.consumers import CLOSE_FORBIDDEN, KalplaConsumer
from kalpla.exceptions import ApplicationError, NotFound, Throttled
from kalpla.realtime import frame

logger = logging.getLogger(__name__)

RATE_WINDOW = 10  # seconds
RATE_LIMITED = "Too many frames: wait a few seconds and send again."
CLOSE_RESTARTING = 1012  # RFC 6455 "service restart": reconnect with backoff

# Frame type -> payload fields: name -> (type, required, longest string).
FRAME_SCHEMAS: dict[str, dict[str, tuple[type, bool, int]]] = {
    "send": {
        "body": (str, True, 4000),
        "client_id": (str, False, 64),
        "parent_id": (int, False, 0),
    },
    "edit": {"message_id": (int, True, 0), "body": (str, True, 4000)},
    "delete": {"message_id": (int, True, 0)},
    "react": {"message_id": (int, True, 0), "emoji": (str, True, 32), "on": (bool, False, 0)},
    "typing": {},
    "read": {"message_id": (int, True, 0)},
    "resume": {"since_seq": (int, False, 0), "last_seen_id": (int, False, 0)},
    "heartbeat": {},
}


def _schema_error(content: dict[str, Any]) -> str | None:
    """Why the frame does not fit its type's schema (None when it does)."""
    schema = FRAME_SCHEMAS.get(content["type"])
    if schema is None:
        return f"Unknown frame type {content['type']!r}."
    frame_id = content.get("id")
    if frame_id is not None and not (isinstance(frame_id, str) and len(frame_id) <= 64):
        return "id must be a string of at most 64 characters."
    payload = content.get("payload", {})
    if not isinstance(payload, dict):
        return "payload must be an object."
    for name in payload.keys() - schema.keys():
        return f"payload.{name} is not a field of {content['type']}."
    for name, (kind, required, longest) in schema.items():
        if name not in payload:
            if required:
                return f"payload.{name} is required."
            continue
        value = payload[name]
        # bool is an int in Python: a message id must not be true.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"payload.{name} must be {kind.__name__.replace('str', 'a string')}."
        if isinstance(value, str) and len(value) > longest:
            return f"payload.{name} is at most {longest} characters."
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            return f"payload.{name} must be an id (0 to {MAX_ID})."
    return None


class ChatConsumer(KalplaConsumer):
    room_id: int = 0
    room: Any = None
    replayed_up_to: int = 0  # message id (last_seen_id replays)
    replayed_change: int = 0  # room change number (since_seq replays)

    async def authorise(self) -> bool:
        self.room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        return bool(
            await database_sync_to_async(room_is_member)(room_id=self.room_id, user_id=self.user.pk)
        )

    async def groups_for(self) -> list[str]:
        return [room_group(self.room_id), member_group(self.user.pk)]

    async def ready(self) -> None:
        # Membership again, now that the socket is in its groups: a removal committed between
        # the first check and joining sent its ``room.removed`` before this socket could hear
        # it. From here on a removal reaches the socket as that frame. The room's row is kept
        # for the socket's sends (message_send checks membership on each).
        self.room = await database_sync_to_async(self._room_if_member)()
        if self.room is None:
            await self.send_json(frame(type="room.removed", payload={"room_id": self.room_id}))
            await self.close(code=CLOSE_FORBIDDEN)
            return
        try:
            await self._presence_touch()
            await self._presence_broadcast()
        except (RedisError, OSError):
            logger.exception("chat presence failed on Redis")
            await self.close(code=CLOSE_RESTARTING)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode())
        since = (query.get("since_seq") or [""])[0]
        last_seen = (query.get("last_seen_id") or [""])[0]
        if since.isdigit() and int(since) <= MAX_ID:
            await self._replay_changes(int(since), frame_id=None)
        elif last_seen.isdigit():
            await self._replay(int(last_seen), frame_id=None)

    async def disconnect(self, code: int) -> None:
        if self.user is not None and self.room_id and getattr(self, "joined", None):
            try:
                await sync_to_async(live.presence_leave, thread_sensitive=False)(
                    room_id=self.room_id, user_id=self.user.pk, socket=self.channel_name
                )
                await self._presence_broadcast()
            except Exception:
                logger.exception("chat presence leave failed")
        await super().disconnect(code)

    # --- server events --------------------------------------------------------------------

    async def realtime_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        payload = event.get("payload") or {}
        if event.get("type") == "room.removed":
            if payload.get("room_id") == self.room_id:
                await self.send_json(event)
                await self.close(code=CLOSE_FORBIDDEN)
            return  # another room's socket of the same user
        if str(event.get("type", "")).startswith("message."):
            sent = payload.get("message") or payload  # message.hidden carries no message
            if sent.get("room_id", self.room_id) != self.room_id:
                return  # the author's own held message, heard on their socket in another room
            if sent.get("changed_seq", 0) <= self.replayed_change:
                return  # this change (or a later one of the message) was in the catch-up
            if event["type"] == "message.new" and sent.get("id", 0) <= self.replayed_up_to:
                return  # already sent in the catch-up
        await self.send_event(message)

    # --- client frames --------------------------------------------------------------------

    async def handle_frame(self, content: dict[str, Any]) -> None:
        frame_id = content.get("id")
        problem = _schema_error(content)
        if problem is not None:
            code = "unknown_type" if content["type"] not in FRAME_SCHEMAS else "invalid_frame"
            await self.send_error(code=code, message=problem, id=frame_id)
            return
        # A send checks its rates in its own thread hop (``_send``), the others here.
        if content["type"] not in ("heartbeat", "send") and not await self._within_rate():
            await self.send_error(code="rate_limited", message=RATE_LIMITED, id=frame_id)
            return
        handler: Callable[[Any, dict[str, Any]], Any] = getattr(self, "frame_" + content["type"])
        try:
            await handler(frame_id, content.get("payload") or {})
        except ApplicationError as error:
            await self.send_error(code=error.code, message=str(error.message), id=frame_id)
        except (RedisError, OSError):
            # Redis (layer, presence, limits) is down: clients reconnect with backoff.
            logger.exception("chat frame failed on Redis")
            await self.close(code=CLOSE_RESTARTING)

    async def _ack(self, frame_id: Any, payload: dict[str, Any]) -> None:
        await self.send_json({"type": "ack", "id": frame_id, "payload": payload})

    async def frame_send(self, frame_id: Any, payload: dict[str, Any]) -> None:
        data, created, pushes = await self._send(
            body=payload["body"],
            client_id=payload.get("client_id") or frame_id or "",
            parent_id=payload.get("parent_id"),
        )
        await self._ack(frame_id, {"message": data, "duplicate": not created})
        for message_id, room_id in pushes:  # the members' unread counts, from this process
            room_unread_push_soon(message_id=message_id, room_id=room_id)

    async def frame_edit(self, frame_id: Any, payload: dict[str, Any]) -> None:
        data = await self._on_message(
            payload["message_id"],
            lambda m: message_edit(message=m, user=self.user, body=payload["body"]),
        )
        await self._ack(frame_id, {"message": data})

    async def frame_delete(self, frame_id: Any, payload: dict[str, Any]) -> None:
        data = await self._on_message(
            payload["message_id"], lambda m: message_delete(message=m, user=self.user)
        )
        await self._ack(frame_id, {"message": data})

    async def frame_react(self, frame_id: Any, payload: dict[str, Any]) -> None:
        on = payload.get("on", True)
        data = await self._on_message(
            payload["message_id"],
            lambda m: reaction_set(message=m, user=self.user, emoji=payload["emoji"], on=on),
        )
        await self._ack(frame_id, {"message": data})

    async def frame_typing(self, frame_id: Any, payload: dict[str, Any]) -> None:
        event = frame(
            type="typing",
            payload={
                "room_id": self.room_id,
                "user": {"id": self.user.pk, "name": self.user.display_name},
            },
        )
        await self.channel_layer.group_send(
            room_group(self.room_id), {"type": "realtime.event", "event": event}
        )

    async def frame_read(self, frame_id: Any, payload: dict[str, Any]) -> None:
        await self._ack(frame_id, await self._mark_read(payload["message_id"]))

    async def frame_resume(self, frame_id: Any, payload: dict[str, Any]) -> None:
        if "since_seq" in payload:
            await self._replay_changes(payload["since_seq"], frame_id=frame_id)
        elif "last_seen_id" in payload:
            await self._replay(payload["last_seen_id"], frame_id=frame_id)
        else:
            await self.send_error(
                code="invalid_frame", message="payload.since_seq is required.", id=frame_id
            )

    async def frame_heartbeat(self, frame_id: Any, payload: dict[str, Any]) -> None:
        await self._presence_touch()
        online = await self._online()
        await self._ack(frame_id, {"room_id": self.room_id, "online": online})

    # --- helpers --------------------------------------------------------------------------

    async def _replay(self, last_seen_id: int, *, frame_id: Any) -> None:
        """Send the messages after ``last_seen_id`` (as ``message.new`` frames marked
        ``replay``), then ``resume.done``; live frames queue behind this on the socket."""
        rows, last_seq, change_seq, more = await self._missed(last_seen_id)
        for data in rows:
            await self.send_json(
                frame(type="message.new", payload={"message": data, "replay": True})
            )
            self.replayed_up_to = max(self.replayed_up_to, data["id"])
        await self.send_json(
            {
                "type": "resume.done",
                "id": frame_id or frame(type="resume.done", payload={})["id"],
                "payload": {
                    "room_id": self.room_id,
                    "count": len(rows),
                    "last_seq": last_seq,
                    "change_seq": change_seq,
                    "more": more,
                },
            }
        )

    async def _replay_changes(self, since_seq: int, *, frame_id: Any) -> None:
        """Send every message made or changed after the room's change ``since_seq``, as it is
        now and in change order (``message.new`` frames marked ``replay``: clients replace a
        message they have, by id, and insert one they do not, by seq), then ``resume.done``."""
        rows, room = await self._changed(since_seq)
        for data in rows:
            if data.get("hidden"):  # it left this reader's view while they were away
                payload = {k: data[k] for k in ("message_id", "room_id", "seq", "changed_seq")}
                await self.send_json(
                    frame(type="message.hidden", payload={**payload, "replay": True})
                )
            else:
                await self.send_json(
                    frame(type="message.new", payload={"message": data, "replay": True})
                )
            self.replayed_change = max(self.replayed_change, data["changed_seq"])
        self.replayed_change = max(self.replayed_change, since_seq)
        more = bool(rows) and rows[-1]["changed_seq"] < room.change_seq
        await self.send_json(
            {
                "type": "resume.done",
                "id": frame_id or frame(type="resume.done", payload={})["id"],
                "payload": {
                    "room_id": self.room_id,
                    "count": len(rows),
                    "last_seq": room.last_seq,
                    "change_seq": rows[-1]["changed_seq"] if more else room.change_seq,
                    "more": more,
                },
            }
        )

    @database_sync_to_async
    def _changed(self, since_seq: int) -> tuple[list[dict[str, Any]], Any]:
        member = room_membership_get(room_id=self.room_id, user=self.user)
        changed = messages_changed_since(
            room_id=self.room_id, since_seq=since_seq, viewer=self.user
        )
        # A message that left this reader's view is told as hidden; one held from the start
        # (never edited, so never shown to them) is not mentioned at all.
        rows = [
            message_data(m) if visible else _hidden_row(m)
            for m, visible in changed
            if visible or m.status == ModerationStatus.HIDDEN or m.edited_at is not None
        ]
        return rows, member.room

    @database_sync_to_async
    def _missed(self, last_seen_id: int) -> tuple[list[dict[str, Any]], int, int, bool]:
        member = room_membership_get(room_id=self.room_id, user=self.user)
        messages = messages_after(room_id=self.room_id, after_id=last_seen_id, viewer=self.user)
        rows = [message_data(m) for m in messages]
        more = bool(rows) and rows[-1]["seq"] < member.room.last_seq
        return rows, member.room.last_seq, member.room.change_seq, more

    # Not thread-sensitive: sends from many sockets of this process run side by side, each
    # on a pooled connection, instead of queueing behind one thread that also waits for the
    # on-commit broadcast (the room's row lock still orders one room's sends).
    @partial(database_sync_to_async, thread_sensitive=False)
    def _send(
        self, *, body: str, client_id: str, parent_id: int | None
    ) -> tuple[dict, bool, list[tuple[int, int]]]:
        if not self._rates_allow():
            raise Throttled(RATE_LIMITED, retry_after=RATE_WINDOW, code="rate_limited")
        # The room row, read once per socket (message_send checks membership every time).
        if self.room is None:
            self.room = room_membership_get(room_id=self.room_id, user=self.user).room
        with unread_pushes_kept() as pushes:
            message, created = message_send(
                room=self.room,
                author=self.user,
                body=body,
                client_id=client_id,
                parent_id=parent_id,
            )
        return message_data(message, new=created), created, pushes

    def _room_if_member(self) -> Any:
        try:
            return room_membership_get(room_id=self.room_id, user=self.user).room
        except NotFound:
            return None

    @database_sync_to_async
    def _on_message(self, message_id: int, act: Callable[[Any], Any]) -> dict[str, Any]:
        message = message_get(message_id=message_id, user=self.user)
        if message.room_id != self.room_id:
            raise NotFound(_("No such message in this room."), code="message_not_found")
        act(message)
        return message_data(message_get(message_id=message_id, user=self.user))

    @database_sync_to_async
    def _mark_read(self, message_id: int) -> dict[str, Any]:
        member = room_membership_get(room_id=self.room_id, user=self.user)
        member = room_mark_read(member=member, message_id=message_id)
        unread = room_unread(member=member)
        return {"room_id": self.room_id, "last_read_id": member.last_read_id, "unread": unread}

    async def _within_rate(self) -> bool:
        return await sync_to_async(self._rates_allow, thread_sensitive=False)()

    def _rates_allow(self) -> bool:
        """One more frame fits the user's rate in this room and across rooms (both counted,
        in one Redis round trip)."""
        return live.rate_allow_all(
            limits=[
                (f"{self.user.pk}:{self.room_id}", settings.KALPLA_CHAT_FRAMES_PER_ROOM),
                (f"{self.user.pk}", settings.KALPLA_CHAT_FRAMES_PER_USER),
            ],
            window=RATE_WINDOW,
        )

    async def _presence_touch(self) -> None:
        await sync_to_async(live.presence_touch, thread_sensitive=False)(
            room_id=self.room_id, user_id=self.user.pk, socket=self.channel_name
        )

    async def _online(self) -> list[int]:
        return list(
            await sync_to_async(live.presence_online, thread_sensitive=False)(room_id=self.room_id)
        )

    async def _presence_broadcast(self) -> None:
        event = frame(
            type="presence", payload={"room_id": self.room_id, "online": await self._online()}
        )
        await self.channel_layer.group_send(
            room_group(self.room_id), {"type": "realtime.event", "event": event}
        )


def _hidden_row(message: Any) -> dict[str, Any]:
    """A message the reader may no longer see, as catch-up tells it (``message.hidden``)."""
    return {
        "hidden": True,
        "message_id": message.pk,
        "room_id": message.room_id,
        "seq": message.seq,
        "changed_seq": message.changed_seq,
    }


class FeedConsumer(KalplaConsumer):
    """/ws/groups/<group_id>/feed/: a group's feed and post pages hear ``post.new`` and
    ``comment.new`` (ids only) to offer "new posts" without reloading. Readers of the group
    only (4403 otherwise); no client frames besides ``ping``."""

    group_id: int = 0

    async def authorise(self) -> bool:
        self.group_id = int(self.scope["url_route"]["kwargs"]["group_id"])
        return bool(await database_sync_to_async(_may_read_group)(self.group_id, self.user))

    async def groups_for(self) -> list[str]:
        return [feed_group(self.group_id)]


def _may_read_group(group_id: int, user: Any) -> bool:
    try:
        group_access_get(group_id=group_id, user=user)
    except NotFound:
        return False
    return True
