"""Sending one Delivery through its channel's sender and recording what happened.

Statuses: queued -> sent | skipped | suppressed | failed; held (quiet hours) and digest wait
for the beat tasks. A delivery is sent at most once: the row is locked while its sender runs,
and anything but ``queued`` is left alone, so a redelivered or retried task finds it done.

The Celery task that sends a delivery (``notifications.delivery_send``) lives here with the
queueing that starts it, so sending and queueing need no import of each other;
``notifications.tasks`` holds the beat tasks.
"""

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from jobs.retry import RetryPolicy, task_retry_or_give_up
from kalpla.integrations.base import IntegrationError, TransientIntegrationError
from notifications.models import Channel, Delivery
from notifications.selectors import delivery_get
from notifications.services.channels import ChannelSender, SkipDelivery
from notifications.services.email import email_deliver
from notifications.services.push import push_deliver
from notifications.services.sms import sms_deliver

logger = logging.getLogger(__name__)

# The retry policy of notifications.delivery_send (jobs.retry, shared with background jobs).
DELIVERY_RETRY = RetryPolicy(max_attempts=5, backoff_seconds=5, backoff_max_seconds=600)
RELEASE_BATCH = 500

# The sender of each channel (in-app needs none: the notification row is the delivery).
CHANNEL_SENDERS: dict[str, ChannelSender] = {
    Channel.EMAIL: email_deliver,
    Channel.SMS: sms_deliver,
    Channel.PUSH: push_deliver,
}


@shared_task(bind=True, name="notifications.delivery_send", acks_late=True, max_retries=None)
def delivery_send_task(self: Any, delivery_id: int) -> str:
    delivery = delivery_get(delivery_id=delivery_id)
    if delivery is None:
        return "missing"
    try:
        delivery = delivery_send(delivery=delivery)
    except TransientIntegrationError as exc:
        failing = delivery
        return task_retry_or_give_up(
            self,
            exc=exc,
            attempts=failing.attempts,
            policy=DELIVERY_RETRY,
            give_up=lambda error: delivery_fail(delivery=failing, error=error),
        )
    return str(delivery.status)


def deliveries_queue(*, delivery_ids: Iterable[int]) -> None:
    """Queue a send task per delivery once the surrounding transaction commits."""
    ids = list(delivery_ids)
    if ids:
        transaction.on_commit(lambda: [delivery_send_task.delay(delivery_id=pk) for pk in ids])


def _record(delivery: Delivery, *, status: str, error: str = "") -> None:
    delivery.status = status
    delivery.error = error[:4000]
    fields = ["status", "error", "attempts", "destination", "updated_at"]
    if status == Delivery.Status.SENT:
        delivery.sent_at = delivery.sent_at or timezone.now()
        fields += ["provider_message_id", "sent_at"]
    delivery.save(update_fields=fields)


def delivery_send(*, delivery: Delivery) -> Delivery:
    """Send a queued delivery now. Raises TransientIntegrationError (after recording the
    attempt and error) when the sender asks to be retried; the caller owns retry policy."""
    retry: TransientIntegrationError | None = None
    with transaction.atomic():
        status, message_id, attempts = (
            Delivery.objects.select_for_update()
            .filter(pk=delivery.pk)
            .values_list("status", "provider_message_id", "attempts")
            .get()
        )
        delivery.status, delivery.provider_message_id, delivery.attempts = (
            status,
            message_id,
            attempts,
        )
        if status != Delivery.Status.QUEUED:
            return delivery
        if message_id:
            # The provider took it on an earlier run whose status write was lost.
            _record(delivery, status=Delivery.Status.SENT)
            return delivery
        sender = CHANNEL_SENDERS.get(delivery.channel)
        if sender is None:
            _record(
                delivery,
                status=Delivery.Status.SKIPPED,
                error=f"No sender registered for {delivery.channel}.",
            )
            return delivery
        delivery.attempts += 1
        try:
            message_id = sender(delivery)
        except SkipDelivery as exc:
            _record(delivery, status=exc.status, error=exc.reason)
        except TransientIntegrationError as exc:
            _record(delivery, status=Delivery.Status.QUEUED, error=str(exc) or repr(exc))
            retry = exc
        except IntegrationError as exc:
            _record(delivery, status=Delivery.Status.FAILED, error=str(exc) or repr(exc))
        except Exception as exc:
            logger.exception("sending delivery %s failed", delivery.pk)
            _record(delivery, status=Delivery.Status.FAILED, error=repr(exc))
        else:
            delivery.provider_message_id = message_id or ""
            _record(delivery, status=Delivery.Status.SENT)
    if retry is not None:
        raise retry
    return delivery


def delivery_fail(*, delivery: Delivery, error: str) -> Delivery:
    """Give up: only a delivery still waiting to be sent becomes failed."""
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.FAILED, error=error[:4000], updated_at=timezone.now()
    )
    delivery.refresh_from_db()
    return delivery


def deliveries_release_held(*, now: datetime | None = None) -> int:
    """Queue the deliveries held for quiet hours whose time has come; returns how many."""
    now = now or timezone.now()
    released = 0
    while True:
        with transaction.atomic():
            ids = list(
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(status=Delivery.Status.HELD, send_after__lte=now)
                .order_by("send_after", "pk")
                .values_list("pk", flat=True)[:RELEASE_BATCH]
            )
            if not ids:
                return released
            Delivery.objects.filter(pk__in=ids).update(
                status=Delivery.Status.QUEUED, updated_at=timezone.now()
            )
            deliveries_queue(delivery_ids=ids)
        released += len(ids)
