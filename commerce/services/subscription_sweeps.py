"""What the clock does to subscriptions (Celery beat, ``commerce/tasks_subscriptions.py``).

- ``subscriptions_sweep``: manual subscriptions whose paid time ran out become past due
  (access kept for the grace days) or cancelled (when the subscriber cancelled); past due
  ones, whatever their gateway, become expired after the grace days (access closed; a
  payment, recorded by staff or reported by the gateway, brings them back); a gateway's
  subscription whose period ended a day ago without news is asked about (a missed webhook).
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
from django.db.models import F, Q
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


LOCAL = (Gateway.MANUAL, Gateway.FREE)
# How long after a gateway's period ended its renewal event may still be on its way.
NEWS_WAIT = timedelta(days=1)


def _due(now: datetime) -> Q:
    live = Q(status__in=(Status.TRIALING, Status.ACTIVE))
    return (
        (live & Q(gateway__in=LOCAL, current_period_end__lte=now))
        | (live & ~Q(gateway__in=LOCAL) & Q(current_period_end__lte=now - NEWS_WAIT))
        | Q(status=Status.PAST_DUE, current_period_end__lte=now - grace())
    )


def subscriptions_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Move subscriptions on whose time has come; returns counts per outcome."""
    now = now or timezone.now()
    done: Counter[str] = Counter()
    due = Subscription.objects.filter(_due(now)).order_by("current_period_end")
    for sub_id in list(due.values_list("pk", flat=True)[:BATCH]):
        done[_sweep_one(sub_id, now)] += 1
    return dict(done)


@transaction.atomic
def _sweep_one(sub_id: int, now: datetime) -> str:
    sub = (
        Subscription.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("plan", "user")
        .filter(_due(now), pk=sub_id)
        .first()
    )
    if sub is None:
        return "skipped"  # a webhook or another sweep got there first
    if sub.status == Status.PAST_DUE:
        return _lapse(sub, Status.EXPIRED, now)
    if sub.gateway in LOCAL:
        return _lapse(sub, Status.CANCELLED if sub.cancel_at_period_end else Status.PAST_DUE, now)
    return _ask_gateway(sub)


def _lapse(sub: Subscription, status: str, now: datetime) -> str:
    """The paid time ran out (manual plans), or the grace days did (past due ones, whoever
    their gateway: a later payment event brings them back)."""
    sub.status = status
    sub.save(update_fields=["status", "updated_at"])
    subscription_access_sync(subscription=sub, now=now)
    if status == Status.PAST_DUE:
        notices.notice_payment_failed(sub)
    else:
        notices.notice_ended(sub)
    return status


def _ask_gateway(sub: Subscription) -> str:
    """A gateway's period ended a day ago and no event said what happened: ask it."""
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
