"""Publishing live events to WebSocket groups.

Services call realtime_publish(); the event goes out once the surrounding transaction
commits, so clients never see an event for data that was rolled back.
"""

import asyncio
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user_{user_id}"


def frame(*, type: str, payload: dict[str, Any], id: str | None = None) -> dict[str, Any]:
    """The JSON frame every socket sends: {"type", "id", "payload"} (see API.md)."""
    return {"type": type, "id": id or uuid.uuid4().hex, "payload": payload}


def realtime_send_now(*, group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "realtime.event", "event": event})
    except Exception:
        # A live push is best effort: the data is already committed and readable.
        logger.exception("realtime publish to %s failed", group)


def realtime_send_many(*, sends: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """Send each ``(group, event)`` now, all in one hop to the event loop and concurrently on
    the layer (a room's unread counts to each member): one ``async_to_sync`` per call instead
    of one per group."""
    layer = get_channel_layer()
    if layer is None:
        return
    messages = [(group, {"type": "realtime.event", "event": event}) for group, event in sends]
    if not messages:
        return

    async def send_all() -> None:
        results = await asyncio.gather(
            *(layer.group_send(group, message) for group, message in messages),
            return_exceptions=True,
        )
        for (group, _message), result in zip(messages, results, strict=True):
            if isinstance(result, Exception):
                logger.error("realtime publish to %s failed", group, exc_info=result)

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.exception("realtime publish to %d groups failed", len(messages))


def realtime_publish(*, group: str, type: str, payload: dict[str, Any]) -> None:
    event = frame(type=type, payload=payload)
    transaction.on_commit(lambda: realtime_send_now(group=group, event=event))
