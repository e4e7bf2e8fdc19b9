"""WebRTC signalling over Channels: the server relays offers, answers and ICE candidates.

``/ws/meetings/{session_id}/`` joins the mentor and the mentee of a session (1:1);
``/ws/live/{live_class_id}/`` joins a live class's host and its viewers (one-to-many, the host
sends one stream per viewer). Media never passes through the server.

Frames (API.md: ``{"type", "id", "payload"}``):

- server → client on joining: ``room.joined`` ``{"peer_id", "role", "peers": []}`` (peers
  already known are announced one by one as ``peer.joined`` afterwards);
- server → client: ``peer.joined`` / ``peer.left`` ``{"peer_id", "user_id", "name",
  "role"}``; everyone already in the room answers a newcomer's arrival, so both sides learn
  of each other whatever the order of arrival, across server processes;
- client → server: ``signal`` ``{"to": peer_id, "data": {...}}`` (an SDP offer or answer or an
  ICE candidate, passed on unread) → the target gets ``signal`` ``{"from": peer_id,
  "user_id", "data"}``. In a live class viewers signal only the host.
"""

import uuid
from typing import Any

from channels.db import database_sync_to_async
from django.core.cache import cache

from kalpla.consumers import KalplaConsumer
from kalpla.realtime import frame
from mentorship.models import LOCAL_MAX_VIEWERS
from mentorship.selectors.access import RoomSeat, live_class_seat, meeting_seat
from mentorship.services.live import live_class_viewer_attend

# A viewer's seat is a cache key (Redis: shared by every server process) that lives this many
# seconds after the last frame of its socket: the page pings every 20 s, and the seat of a
# process that died without saying goodbye frees itself.
SEAT_TTL = 90


async def live_seat_take(*, live_class_id: int, peer_id: str) -> str | None:
    """A free viewer seat of the class (its cache key), or None when all are taken."""
    for number in range(LOCAL_MAX_VIEWERS):
        key = f"live_seat:{live_class_id}:{number}"
        if await cache.aadd(key, peer_id, timeout=SEAT_TTL):
            return key
    return None


async def live_seat_release(*, key: str, peer_id: str) -> None:
    if await cache.aget(key) == peer_id:
        await cache.adelete(key)


class SignalRelayConsumer(KalplaConsumer):
    """Subclasses name the room (``room_kind``, the URL kwarg) and how a user gets a seat."""

    room_kind = ""
    room_kwarg = ""
    seat: RoomSeat | None = None

    def room_id(self) -> int:
        return int(self.scope["url_route"]["kwargs"][self.room_kwarg])

    def seat_for(self, *, room_id: int, user: Any) -> RoomSeat | None:
        """Runs in a worker thread (it queries); None refuses the socket with 4403."""
        return None

    async def find_seat(self) -> RoomSeat | None:
        return await database_sync_to_async(self.seat_for)(room_id=self.room_id(), user=self.user)

    def room_group(self) -> str:
        return f"rtc_{self.room_kind}_{self.room_id()}"

    async def authorise(self) -> bool:
        self.seat = await self.find_seat()
        if self.seat is None:
            return False
        self.peer_id = uuid.uuid4().hex
        self.peers: dict[str, dict[str, Any]] = {}
        return await self.admit()

    async def admit(self) -> bool:
        """A subclass may refuse a seat the room has no space for."""
        return True

    async def groups_for(self) -> list[str]:
        return [self.room_group()]

    def me(self) -> dict[str, Any]:
        assert self.seat is not None
        return {
            "peer_id": self.peer_id,
            "user_id": self.user.pk,
            "name": self.seat.name,
            "role": self.seat.role,
            "channel": self.channel_name,
        }

    @staticmethod
    def public(peer: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in peer.items() if key != "channel"}

    async def ready(self) -> None:
        assert self.seat is not None
        await self.send_json(
            frame(
                type="room.joined",
                payload={"peer_id": self.peer_id, "role": self.seat.role, "peers": []},
            )
        )
        await self.channel_layer.group_send(
            self.room_group(), {"type": "rtc.arrived", "peer": self.me()}
        )

    async def disconnect(self, code: int) -> None:
        if self.seat is not None and hasattr(self, "peer_id"):
            await self.channel_layer.group_send(
                self.room_group(), {"type": "rtc.left", "peer": self.me()}
            )
        await super().disconnect(code)

    def may_signal(self, peer: dict[str, Any]) -> bool:
        return True

    async def handle_frame(self, content: dict[str, Any]) -> None:
        if content["type"] != "signal":
            await super().handle_frame(content)
            return
        payload = content.get("payload")
        target = payload.get("to") if isinstance(payload, dict) else None
        data = payload.get("data") if isinstance(payload, dict) else None
        peer = self.peers.get(target) if isinstance(target, str) else None
        if peer is None or not isinstance(data, dict) or not self.may_signal(peer):
            await self.send_error(
                code="unknown_peer",
                message="Signal a peer of this room, with a data object.",
                id=content.get("id"),
            )
            return
        await self.channel_layer.send(
            peer["channel"],
            {"type": "rtc.signal", "from": self.public(self.me()), "data": data},
        )

    # --- channel layer events -------------------------------------------------------------

    async def rtc_arrived(self, message: dict[str, Any]) -> None:
        peer = message["peer"]
        if peer["peer_id"] == self.peer_id:
            return
        self.peers[peer["peer_id"]] = peer
        await self.send_json(frame(type="peer.joined", payload=self.public(peer)))
        # Tell the newcomer we are here (it learns of peers that came before it).
        await self.channel_layer.send(peer["channel"], {"type": "rtc.present", "peer": self.me()})

    async def rtc_present(self, message: dict[str, Any]) -> None:
        peer = message["peer"]
        if peer["peer_id"] == self.peer_id or peer["peer_id"] in self.peers:
            return
        self.peers[peer["peer_id"]] = peer
        await self.send_json(frame(type="peer.joined", payload=self.public(peer)))

    async def rtc_left(self, message: dict[str, Any]) -> None:
        peer = message["peer"]
        if self.peers.pop(peer["peer_id"], None) is not None:
            await self.send_json(frame(type="peer.left", payload=self.public(peer)))

    async def rtc_signal(self, message: dict[str, Any]) -> None:
        sender = message["from"]
        if sender["peer_id"] not in self.peers:
            return
        await self.send_json(
            frame(
                type="signal",
                payload={
                    "from": sender["peer_id"],
                    "user_id": sender["user_id"],
                    "data": message["data"],
                },
            )
        )


class MeetingConsumer(SignalRelayConsumer):
    """A mentoring session's call: its mentor and mentee, inside the join window."""

    room_kind = "meeting"
    room_kwarg = "session_id"

    def seat_for(self, *, room_id: int, user: Any) -> RoomSeat | None:
        return meeting_seat(session_id=room_id, user=user)


class LiveClassConsumer(SignalRelayConsumer):
    """A live class broadcast from the browser: the host and up to LOCAL_MAX_VIEWERS viewers.

    A browser sends one stream per viewer, so seats are counted across server processes: seat
    ``n`` of class ``c`` is the cache key ``live_seat:c:n``, taken with an atomic ``add``. The
    viewer past the last seat gets an ``error`` frame ``live_class_full`` and close 4403.
    """

    room_kind = "live"
    room_kwarg = "live_class_id"
    seat_key: str | None = None

    def seat_for(self, *, room_id: int, user: Any) -> RoomSeat | None:
        return live_class_seat(live_class_id=room_id, user=user)

    def may_signal(self, peer: dict[str, Any]) -> bool:
        # Viewers talk to the host only; the host to anyone.
        assert self.seat is not None
        return self.seat.role == "host" or peer["role"] == "host"

    async def admit(self) -> bool:
        assert self.seat is not None
        if self.seat.role != "viewer":
            return True
        self.seat_key = await live_seat_take(live_class_id=self.room_id(), peer_id=self.peer_id)
        if self.seat_key is None:
            await self.send_error(
                code="live_class_full",
                message=(
                    f"This class is full: a broadcast from the browser reaches at most "
                    f"{LOCAL_MAX_VIEWERS} viewers. Larger classes need the aws backend (IVS)."
                ),
            )
            return False
        await database_sync_to_async(live_class_viewer_attend)(
            live_class_id=self.room_id(), user=self.user
        )
        return True

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.seat_key is not None:
            await cache.atouch(self.seat_key, SEAT_TTL)
        await super().receive_json(content, **kwargs)

    async def disconnect(self, code: int) -> None:
        if self.seat_key is not None:
            await live_seat_release(key=self.seat_key, peer_id=self.peer_id)
        await super().disconnect(code)
