"""What the clock does to subscriptions (Celery beat, ``commerce/tasks_subscriptions.py``).

- ``subscriptions_sweep``: manual subscriptions whose paid time ran out become past due
  (access kept for the grace days) or cancelled (when the subscriber cancelled), past due
  ones become expired after the grace days (access closed; a payment recorded by staff
  brings them back); a gateway's subscription past due beyond the grace days loses access
  until the gateway reports a payment, and one whose period ended without news is asked
  about (a missed webhook).
- ``subscription_reminders_send``: renewal reminders N days before the period ends.

Each subscription is handled under its row lock in its own transaction, so a sweep running
twice, or beside a webhook, decides each one once.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from commerce.gateways import GatewayError, get_gateway
from commerce.models import Gateway, Subscription
from commerce.services import subscription_notices as notices
from commerce.services.subscription_state import (
    Status,
    grace,
    subscription_access_sync,
)
from commerce.services.subscriptions import subscription_apply_remote

logger = logging.getLogger(__name__)
BATCH = 500


def subscriptions_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Move subscriptions on whose time has come; returns counts per outcome."""
    now = now or timezone.now()
    done: Counter[str] = Counter()
    due = Subscription.objects.filter(
        status__in=(Status.TRIALING, Status.ACTIVE, Status.PAST_DUE),
        current_period_end__lte=now,
    ).order_by("current_period_end")
    for sub_id in list(due.values_list("pk", flat=True)[:BATCH]):
        done[_sweep_one(sub_id, now)] += 1
    return dict(done)


@transaction.atomic
def _sweep_one(sub_id: int, now: datetime) -> str:
    sub = (
        Subscription.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("plan", "user")
        .filter(pk=sub_id)
        .first()
    )
    if sub is None or sub.current_period_end is None or sub.current_period_end > now:
        return "skipped"
    if sub.gateway in (Gateway.MANUAL, Gateway.FREE):
        return _manual_lapse(sub, now)
    return _remote_check(sub, now)


def _manual_lapse(sub: Subscription, now: datetime) -> str:
    end = sub.current_period_end
    assert end is not None
    if sub.status in (Status.TRIALING, Status.ACTIVE):
        if sub.cancel_at_period_end:
            sub.status = Status.CANCELLED
            outcome = "cancelled"
        else:
            sub.status = Status.PAST_DUE
            outcome = "past_due"
    elif end + grace() <= now:
        sub.status = Status.EXPIRED
        outcome = "expired"
    else:
        return "waiting"
    sub.save(update_fields=["status", "updated_at"])
    subscription_access_sync(subscription=sub, now=now)
    if sub.status == Status.PAST_DUE:
        notices.notice_payment_failed(sub)
    else:
        notices.notice_ended(sub)
    return outcome


def _remote_check(sub: Subscription, now: datetime) -> str:
    end = sub.current_period_end
    assert end is not None
    if sub.status == Status.PAST_DUE:
        if end + grace() > now:
            return "waiting"
        subscription_access_sync(subscription=sub, now=now)
        return "closed"
    if end + timedelta(days=1) > now:
        return "waiting"  # the renewal's event is on its way
    try:
        remote = get_gateway(sub.gateway).subscription_status(subscription=sub)
    except GatewayError as exc:
        logger.warning("subscription %s: gateway status failed: %s", sub.pk, exc)
        return "unreachable"
    # No event time: what the gateway says now is newer than any event applied.
    subscription_apply_remote(gateway=sub.gateway, remote=remote, event_at=None)
    return "asked"


def subscription_reminders_send(*, now: datetime | None = None) -> int:
    """Remind subscribers whose paid period (or trial) ends within
    ``KALPLA_SUBSCRIPTION_REMINDER_DAYS``; once per period. Returns how many were told."""
    now = now or timezone.now()
    soon = now + timedelta(days=settings.KALPLA_SUBSCRIPTION_REMINDER_DAYS)
    due = Subscription.objects.filter(
        status__in=(Status.TRIALING, Status.ACTIVE),
        cancel_at_period_end=False,
        current_period_end__gt=now,
        current_period_end__lte=soon,
    ).exclude(reminder_sent_for=F("current_period_end"))
    told = 0
    for sub in due.select_related("plan", "user")[:BATCH]:
        with transaction.atomic():
            notices.notice_renewal_reminder(sub)
            Subscription.objects.filter(pk=sub.pk).update(reminder_sent_for=sub.current_period_end)
        told += 1
    return told
