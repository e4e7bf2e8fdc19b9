"""Reads for the in-app side of notifications: lists, pages, unread counts, deliveries."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime

from notifications.models import Delivery, Notification

if TYPE_CHECKING:
    from accounts.models import User

UNREAD_CACHE_SECONDS = 24 * 3600
RECENT_CACHE_SECONDS = 60
PAGE_SIZE = 20


def unread_cache_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def notification_list(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's notifications, newest first (the index covers recipient + order)."""
    qs = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs


def recent_notifications_key(user_id: int) -> str:
    return f"notifications:recent:{user_id}"


def recent_notifications(*, user_id: int, limit: int = 5) -> list[dict[str, Any]]:
    """The user's newest notifications as ready data (title, url, read or not, when), cached
    like the unread count: the services that add notifications or mark them read forget
    both (``notifications.services.inapp.unread_cache_invalidate``)."""
    key = recent_notifications_key(user_id)
    cached: tuple[int, list[dict[str, Any]]] | None = cache.get(key)
    if cached is not None and cached[0] >= limit:
        return cached[1][:limit]
    items = [
        {"title": n.title, "url": n.url, "read_at": n.read_at, "created_at": n.created_at}
        for n in Notification.objects.filter(recipient_id=user_id)
        .order_by("-created_at", "-id")
        .only("title", "url", "read_at", "created_at")[:limit]
    ]
    cache.set(key, (limit, items), RECENT_CACHE_SECONDS)
    return items


def recent_notifications_cache_keys(user_id: int) -> list[str]:
    """The plain cache entries ``recent_notifications_with_unread`` reads, for a page that
    reads them ahead with its own (``kalpla.cache.cache_read_ahead(plain=...)``)."""
    return [recent_notifications_key(user_id), unread_cache_key(user_id)]


def recent_notifications_with_unread(
    *, user_id: int, limit: int = 5
) -> tuple[list[dict[str, Any]], int]:
    """``recent_notifications`` and ``unread_count`` read from the cache in one round trip
    (a page showing both: the signed-in home's list and the bell)."""
    recent_key, unread_key = recent_notifications_key(user_id), unread_cache_key(user_id)
    found = cache.get_many([recent_key, unread_key])
    cached = found.get(recent_key)
    if cached is not None and cached[0] >= limit:
        items = cached[1][:limit]
    else:
        items = recent_notifications(user_id=user_id, limit=limit)
    count = found.get(unread_key)
    return items, unread_count(user_id=user_id) if count is None else int(count)


def notification_get(*, user: User, notification_id: int) -> Notification:
    """Another user's notification is a 404: its existence is not theirs to know."""
    return get_object_or_404(Notification, pk=notification_id, recipient=user)


def unread_count(*, user_id: int) -> int:
    """Cached per user; notify() and the mark-read services delete the key on commit."""
    key = unread_cache_key(user_id)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return int(count)


def unread_counts_fresh(*, user_ids: Iterable[int]) -> dict[int, int]:
    """Unread counts straight from the database (one query), for payloads sent on commit."""
    ids = list(user_ids)
    counts = dict.fromkeys(ids, 0)
    rows = (
        Notification.objects.filter(recipient_id__in=ids, read_at__isnull=True)
        .values_list("recipient_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    next_cursor: str


def encode_cursor(notification: Notification) -> str:
    raw = f"{notification.created_at.isoformat()}|{notification.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    """(created_at, id) of the last item seen, or None for a missing or malformed cursor."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, pk = raw.rpartition("|")
        created_at = parse_datetime(stamp)
        return (created_at, int(pk)) if created_at is not None else None
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def notification_page(*, user: User, cursor: str = "", size: int = PAGE_SIZE) -> NotificationPage:
    """One page of the site's list, older than ``cursor`` (keyset on created_at, id)."""
    qs = notification_list(user=user)
    position = decode_cursor(cursor)
    if position is not None:
        created_at, pk = position
        qs = qs.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
    items = list(qs[: size + 1])
    next_cursor = encode_cursor(items[size - 1]) if len(items) > size else ""
    return NotificationPage(items=items[:size], next_cursor=next_cursor)


def delivery_get(*, delivery_id: int) -> Delivery | None:
    return Delivery.objects.select_related("notification", "user").filter(pk=delivery_id).first()


def notification_dedupe_keys_used(*, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` some notification was sent with already (one query)."""
    return set(
        Notification.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True)
    )


@dataclass(frozen=True)
class SendStats:
    """What became of the notifications sent with one dedupe key (a campaign's)."""

    notifications: int
    shown: int
    """stored unread: the bell showed them (those who switched in-app off got them read)"""
    read: int
    deliveries: dict[str, dict[str, int]]
    """channel -> status -> count"""


def notification_send_stats(*, dedupe_key: str) -> SendStats:
    """Counts for every notification sent with ``dedupe_key``: two queries whatever the size.

    notify() stores a notification already read (``read_at`` set before ``created_at``) for
    people who switched the in-app channel off; ``shown`` leaves those out and ``read``
    counts the ones read later in the app (opened from the bell or the list).
    """
    notes = Notification.objects.filter(dedupe_key=dedupe_key)
    later = Q(read_at__gt=F("created_at"))
    totals = notes.aggregate(
        total=Count("id"),
        shown=Count("id", filter=Q(read_at__isnull=True) | later),
        read=Count("id", filter=later),
    )
    deliveries: dict[str, dict[str, int]] = {}
    for channel, status, count in (
        Delivery.objects.filter(notification__dedupe_key=dedupe_key)
        .values_list("channel", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        deliveries.setdefault(channel, {})[status] = count
    return SendStats(
        notifications=totals["total"] or 0,
        shown=totals["shown"] or 0,
        read=totals["read"] or 0,
        deliveries=deliveries,
    )
