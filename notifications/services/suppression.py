"""Email suppression: SES delivery, bounce and complaint events update deliveries and stop
email to addresses that cannot (or do not want to) receive it.

Events arrive through anymail's tracking webhook (notifications/email_events.py). SNS redelivers a
notification when the webhook fails or answers slowly, so handling is idempotent: statuses only
move forward, and the event id is remembered so a redelivered soft bounce is counted once.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from notifications.email_events import EmailEvent
from notifications.models import Channel, Delivery, EmailSuppression

logger = logging.getLogger(__name__)

SEEN_EVENT_TTL = 14 * 24 * 3600  # longer than SNS keeps retrying a delivery
_SEEN_EVENT_KEY = "notifications:email-event:{id}:{kind}:{recipient}"

# A delivery's status only moves forward: a late "delivered" never hides a bounce.
_RANK: dict[str, int] = {
    Delivery.Status.SENT: 1,
    Delivery.Status.DELIVERED: 2,
    Delivery.Status.FAILED: 3,
    Delivery.Status.BOUNCED: 3,
    Delivery.Status.COMPLAINED: 4,
}
_EVENT_STATUS: dict[str, str] = {
    "delivered": Delivery.Status.DELIVERED,
    "bounced": Delivery.Status.BOUNCED,
    "complained": Delivery.Status.COMPLAINED,
    "rejected": Delivery.Status.FAILED,
}


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def email_is_suppressed(*, email: str) -> bool:
    return EmailSuppression.objects.filter(email=normalize_email(email), active=True).exists()


@transaction.atomic
def suppression_add(
    *, email: str, reason: str = EmailSuppression.Reason.MANUAL, detail: str = ""
) -> EmailSuppression:
    suppression, _created = EmailSuppression.objects.select_for_update().get_or_create(
        email=normalize_email(email)
    )
    suppression.active = True
    suppression.reason = reason
    suppression.detail = detail[:2000]
    suppression.full_clean()
    suppression.save()
    return suppression


@transaction.atomic
def suppression_lift(*, suppression: EmailSuppression, by: Any = None) -> EmailSuppression:
    """Allow email to the address again (staff decided it works now); soft bounces restart."""
    suppression = EmailSuppression.objects.select_for_update().get(pk=suppression.pk)
    suppression.active = False
    suppression.soft_bounces = 0
    suppression.lifted_at = timezone.now()
    suppression.lifted_by = by if getattr(by, "pk", None) else None
    suppression.save(
        update_fields=["active", "soft_bounces", "lifted_at", "lifted_by", "updated_at"]
    )
    return suppression


@transaction.atomic
def suppression_soft_bounce(*, email: str, detail: str = "") -> EmailSuppression:
    """Count a soft bounce; KALPLA_SOFT_BOUNCE_LIMIT of them in a row suppress the address."""
    suppression, _created = EmailSuppression.objects.select_for_update().get_or_create(
        email=normalize_email(email)
    )
    suppression.soft_bounces += 1
    if detail:
        suppression.detail = detail[:2000]
    if not suppression.active and suppression.soft_bounces >= settings.KALPLA_SOFT_BOUNCE_LIMIT:
        suppression.active = True
        suppression.reason = EmailSuppression.Reason.SOFT_BOUNCES
    suppression.save()
    return suppression


def _soft_bounces_reset(*, email: str) -> None:
    # Only consecutive soft bounces count: a delivered message shows the mailbox works.
    EmailSuppression.objects.filter(
        email=normalize_email(email), active=False, soft_bounces__gt=0
    ).update(soft_bounces=0, updated_at=timezone.now())


def _delivery_update(event: EmailEvent) -> None:
    status = _EVENT_STATUS.get(event.kind)
    if not status or not event.message_id:
        return
    deliveries = Delivery.objects.select_for_update().filter(
        channel=Channel.EMAIL, provider_message_id=event.message_id
    )
    for delivery in deliveries:
        if _RANK.get(delivery.status, 0) >= _RANK[status]:
            continue
        delivery.status = status
        fields = ["status", "updated_at"]
        if status != Delivery.Status.DELIVERED:
            delivery.error = _event_detail(event)
            fields.append("error")
        delivery.save(update_fields=fields)


def _event_detail(event: EmailEvent) -> str:
    parts = [event.kind]
    if event.bounce:
        parts.append(f"({event.bounce})")
    text = " ".join(parts)
    detail = " / ".join(part for part in (event.description, event.mta_response) if part)
    return f"{text}: {detail}"[:2000] if detail else text


def email_event_apply(event: EmailEvent) -> None:
    """Update the matching deliveries and the suppression list for one event."""
    email = normalize_email(event.recipient)
    with transaction.atomic():
        _delivery_update(event)
        if not email:
            return
        if event.kind == "complained":
            suppression_add(
                email=email, reason=EmailSuppression.Reason.COMPLAINT, detail=_event_detail(event)
            )
        elif event.kind == "bounced" and event.bounce == "hard":
            suppression_add(
                email=email,
                reason=EmailSuppression.Reason.HARD_BOUNCE,
                detail=_event_detail(event),
            )
        elif event.kind == "bounced" and event.bounce == "soft":
            suppression_soft_bounce(email=email, detail=_event_detail(event))
        elif event.kind == "delivered":
            _soft_bounces_reset(email=email)


def email_event_record(event: EmailEvent) -> None:
    """The webhook's handler: apply each event once, even when SNS delivers it again."""
    # One SNS notification (one event_id) carries an event per recipient.
    key = (
        _SEEN_EVENT_KEY.format(
            id=event.event_id, kind=event.kind, recipient=normalize_email(event.recipient)
        )
        if event.event_id
        else None
    )
    if key and not cache.add(key, 1, timeout=SEEN_EVENT_TTL):
        logger.info("email event %s already handled", event.event_id)
        return
    try:
        email_event_apply(event)
    except Exception:
        # Forget the event so SNS's redelivery (after our 500) is handled, not skipped.
        if key:
            cache.delete(key)
        raise
