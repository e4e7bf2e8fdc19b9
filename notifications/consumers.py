"""/ws/notifications/: the signed-in user's notifications, live.

Server frames: ``unread.count`` on connect and whenever it changes, ``notification.new``.
Client frames: ``notification.read`` (``{"id": <notification id>}``) and
``notifications.read_all`` (``{}``); both are acknowledged with an ``ack`` echoing the id.
"""

from typing import Any

from channels.db import database_sync_to_async
from django.http import Http404

from kalpla.consumers import KalplaConsumer
from kalpla.realtime import frame
from notifications.selectors import notification_get, unread_count
from notifications.services.inapp import (
    iso_z,
    notification_mark_read,
    notifications_group,
    notifications_mark_all_read,
)


class NotificationsConsumer(KalplaConsumer):
    async def groups_for(self) -> list[str]:
        return [notifications_group(self.user.pk)]

    async def ready(self) -> None:
        count = await database_sync_to_async(unread_count)(user_id=self.user.pk)
        await self.send_json(frame(type="unread.count", payload={"count": count}))

    async def handle_frame(self, content: dict[str, Any]) -> None:
        frame_id = content.get("id")
        payload = content.get("payload")
        if content["type"] == "notification.read":
            notification_id = payload.get("id") if isinstance(payload, dict) else None
            if not isinstance(notification_id, int) or isinstance(notification_id, bool):
                await self.send_error(
                    code="invalid", message="payload.id must be a notification id.", id=frame_id
                )
                return
            result = await self._mark_read(notification_id)
            if result is None:
                await self.send_error(
                    code="not_found", message="No such notification.", id=frame_id
                )
                return
            await self.send_json({"type": "ack", "id": frame_id, "payload": result})
        elif content["type"] == "notifications.read_all":
            marked = await database_sync_to_async(notifications_mark_all_read)(user=self.user)
            await self.send_json(
                {"type": "ack", "id": frame_id, "payload": {"marked": marked, "unread_count": 0}}
            )
        else:
            await super().handle_frame(content)

    @database_sync_to_async
    def _mark_read(self, notification_id: int) -> dict[str, Any] | None:
        try:
            notification = notification_get(user=self.user, notification_id=notification_id)
        except Http404:
            return None
        notification, count = notification_mark_read(notification=notification)
        return {
            "id": notification.pk,
            "read_at": iso_z(notification.read_at),
            "unread_count": count,
        }
