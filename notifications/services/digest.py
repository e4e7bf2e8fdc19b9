"""The email digest: non-urgent emails of digest users wait (status ``digest``) and go out
together at KALPLA_DIGEST_HOUR in each person's time zone, daily or on Mondays.

The hourly beat run looks at digest hour and the hour after it, so one late or missed beat
does not push a digest to the next day; ``last_digest_at`` keeps it to one per period.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from notifications.models import Delivery, Notification, NotificationSettings
from notifications.services.channels import DigestSender, SkipDelivery
from notifications.services.email import email_digest_send
from notifications.services.preferences import user_zone

logger = logging.getLogger(__name__)

DAILY_GAP = timedelta(hours=23)
WEEKLY_GAP = timedelta(days=6, hours=21)
WINDOW_HOURS = 2
MONDAY = 0
# Sends one person their digest (an email listing the notifications that waited for it).
DIGEST_SENDER: DigestSender = email_digest_send


def digest_due(*, prefs: NotificationSettings, now: datetime) -> bool:
    """Whether ``prefs.user`` should get their digest at ``now``."""
    if prefs.digest == NotificationSettings.Digest.OFF:
        return False
    local = now.astimezone(user_zone(prefs.user))
    hours_past = (local.hour - settings.KALPLA_DIGEST_HOUR) % 24
    if hours_past >= WINDOW_HOURS:
        return False
    if prefs.digest == NotificationSettings.Digest.WEEKLY:
        if (local - timedelta(hours=hours_past)).weekday() != MONDAY:
            return False
        gap = WEEKLY_GAP
    else:
        gap = DAILY_GAP
    return prefs.last_digest_at is None or now - prefs.last_digest_at >= gap


def digests_send(*, now: datetime | None = None) -> int:
    """Send every digest that is due; returns how many were sent.

    Reads are two queries whatever the number of people; each digest then costs its
    sender's work plus a lock and two updates.
    """
    now = now or timezone.now()
    waiting = Delivery.objects.filter(user_id=OuterRef("user_id"), status=Delivery.Status.DIGEST)
    candidates = (
        NotificationSettings.objects.exclude(digest=NotificationSettings.Digest.OFF)
        .filter(Exists(waiting))
        .select_related("user")
    )
    due = [prefs for prefs in candidates if digest_due(prefs=prefs, now=now)]
    if not due:
        return 0
    by_user: dict[int, list[Delivery]] = defaultdict(list)
    pending = (
        Delivery.objects.filter(
            user_id__in=[prefs.user_id for prefs in due], status=Delivery.Status.DIGEST
        )
        .select_related("notification")
        .order_by("created_at", "pk")
    )
    for delivery in pending:
        by_user[delivery.user_id].append(delivery)
    sent = 0
    for prefs in due:
        try:
            if _send_one(prefs=prefs, deliveries=by_user.get(prefs.user_id, []), now=now):
                sent += 1
        except Exception:
            # One person's failure (a transient SES error) must not stop everyone else's;
            # their deliveries stay waiting for the next run.
            logger.exception("digest for user %s failed", prefs.user_id)
    return sent


def _send_one(*, prefs: NotificationSettings, deliveries: list[Delivery], now: datetime) -> bool:
    with transaction.atomic():
        locked = (
            NotificationSettings.objects.select_for_update(skip_locked=True)
            .filter(pk=prefs.pk)
            .first()
        )
        if locked is None:
            return False  # another run is sending this digest right now
        locked.user = prefs.user
        if not digest_due(prefs=locked, now=now):
            return False
        ids = [d.pk for d in deliveries]
        still_waiting = set(
            Delivery.objects.filter(pk__in=ids, status=Delivery.Status.DIGEST).values_list(
                "pk", flat=True
            )
        )
        items = [d for d in deliveries if d.pk in still_waiting and d.notification is not None]
        if not items:
            return False
        notifications: list[Notification] = [d.notification for d in items if d.notification]
        outcome: dict[str, Any]
        try:
            message_id = DIGEST_SENDER(prefs.user, notifications)
        except SkipDelivery as exc:
            # Suppressed or unverified address: record it once instead of retrying daily.
            outcome = {"status": exc.status, "error": exc.reason[:4000]}
        else:
            outcome = {
                "status": Delivery.Status.SENT,
                "provider_message_id": message_id or "",
                "sent_at": now,
                "error": "",
            }
        Delivery.objects.filter(pk__in=[d.pk for d in items]).update(
            **outcome, attempts=F("attempts") + 1, updated_at=timezone.now()
        )
        locked.last_digest_at = now
        locked.save(update_fields=["last_digest_at"])
    return outcome["status"] == Delivery.Status.SENT
