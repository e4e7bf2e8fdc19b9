"""Base consumer for every live feature: JSON frames, auth, acks and error frames (API.md)."""

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

CLOSE_UNAUTHORISED = 4401
CLOSE_FORBIDDEN = 4403


class KalplaConsumer(AsyncJsonWebsocketConsumer):
    """Accepts signed-in users only, joins ``groups()``, forwards realtime events.

    Subclasses override ``groups_for`` and ``handle_frame``; frames a subclass does not know
    get an error frame back, never a disconnect.
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        self.user = user
        allowed = await self.authorise()
        if not allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.joined = await self.groups_for()
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def authorise(self) -> bool:
        return True

    async def groups_for(self) -> list[str]:
        return []

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_error(
                code="invalid_frame", message="Frames are JSON objects with a type."
            )
            return
        frame_id = content.get("id")
        if content["type"] == "ping":
            await self.send_json({"type": "pong", "id": frame_id, "payload": {}})
            return
        await self.handle_frame(content)

    async def handle_frame(self, content: dict[str, Any]) -> None:
        await self.send_error(
            code="unknown_type",
            message=f"Unknown frame type {content['type']!r}.",
            id=content.get("id"),
        )

    async def send_error(self, *, code: str, message: str, id: Any = None) -> None:
        await self.send_json({"type": "error", "id": id, "code": code, "message": message})

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        import json

        try:
            return json.loads(text_data)
        except ValueError:
            return None

    async def realtime_event(self, message: dict[str, Any]) -> None:
        """Handler for kalpla.realtime.realtime_publish events."""
        await self.send_json(message["event"])
