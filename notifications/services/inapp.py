"""In-app notifications: read state, the cached unread count and live events.

Live events go to two groups per person: ``user_<id>`` (the general /ws/me/ stream) and
``notifications_<id>`` (the /ws/notifications/ socket, which carries nothing else).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kalpla.realtime import realtime_publish, user_group
from notifications.models import Notification
from notifications.selectors import (
    recent_notifications_key,
    unread_cache_key,
    unread_counts_fresh,
)

if TYPE_CHECKING:
    from accounts.models import User


def notifications_group(user_id: int) -> str:
    return f"notifications_{user_id}"


def iso_z(moment: datetime | None) -> str | None:
    """The API's timestamp format (API.md): ISO 8601 in UTC with Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def unread_cache_invalidate(*, user_ids: Iterable[int]) -> None:
    """Forget cached counts (and recent lists) once the transaction commits (earlier, a reader could re-cache
    the old value before the new rows are visible)."""
    keys = [
        key
        for user_id in set(user_ids)
        for key in (unread_cache_key(user_id), recent_notifications_key(user_id))
    ]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))


def _publish(*, user_id: int, type: str, payload: dict) -> None:
    realtime_publish(group=user_group(user_id), type=type, payload=payload)
    realtime_publish(group=notifications_group(user_id), type=type, payload=payload)


def notification_payload(notification: Notification, *, unread_count: int) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "created_at": iso_z(notification.created_at),
        "unread_count": unread_count,
    }


def notification_new_publish(*, notification: Notification, unread_count: int) -> None:
    _publish(
        user_id=notification.recipient_id,
        type="notification.new",
        payload=notification_payload(notification, unread_count=unread_count),
    )


def unread_count_publish(*, user_id: int, count: int) -> None:
    _publish(user_id=user_id, type="unread.count", payload={"count": count})


@transaction.atomic
def notification_mark_read(
    *, notification: Notification, now: datetime | None = None
) -> tuple[Notification, int]:
    """Mark read (a no-op when already read); returns it with the new unread count."""
    if notification.read_at is not None:
        count = unread_counts_fresh(user_ids=[notification.recipient_id])[notification.recipient_id]
        return notification, count
    now = now or timezone.now()
    updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now
    )
    if updated:
        notification.read_at = now
    else:
        notification.refresh_from_db(fields=["read_at"])
    user_id = notification.recipient_id
    count = unread_counts_fresh(user_ids=[user_id])[user_id]
    if updated:
        unread_cache_invalidate(user_ids=[user_id])
        unread_count_publish(user_id=user_id, count=count)
    return notification, count


@transaction.atomic
def notifications_mark_all_read(*, user: User, now: datetime | None = None) -> int:
    """Mark every unread notification of ``user`` read; returns how many changed."""
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
    if marked:
        unread_cache_invalidate(user_ids=[user.pk])
        unread_count_publish(user_id=user.pk, count=0)
    return marked
