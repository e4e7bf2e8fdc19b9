"""Sending a campaign exactly once (the Celery tasks' side of ``services.campaigns``).

``campaign_deliver`` locks the campaign's row and sends only a scheduled campaign whose time
has come, marking it sent in the same transaction, so the beat job running twice (or beside a
"send now") sends once; notify() also gets the campaign's dedupe key, so a person is messaged
once per campaign whatever happens.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from analytics.kinds_campaigns import CAMPAIGN_KIND
from analytics.models import Campaign, CampaignRecipient
from analytics.segments import segment_users
from analytics.tracking import click_url
from notifications.services.notify import notify

CHUNK = 500
# Which message fields each channel needs.
CHANNEL_FIELDS: dict[str, tuple[str, ...]] = {
    "in_app": ("inapp_title", "inapp_body"),
    "email": ("email_subject", "email_body"),
    "sms": ("sms_text",),
    "push": ("push_title", "push_body"),
}
MESSAGE_FIELDS = tuple(f for fields in CHANNEL_FIELDS.values() for f in fields)


def _message_context(campaign: Campaign) -> dict[str, Any]:
    return {
        "campaign_id": campaign.pk,
        "link_url": campaign.link_url,
        **{name: getattr(campaign, name) for name in MESSAGE_FIELDS},
    }


def campaign_deliver(*, campaign_id: int, now: datetime | None = None) -> bool:
    """Send the campaign if it is scheduled and due; False when there was nothing to do.

    The row lock is held until it is marked sent: a second run waits, then finds it sent.
    Recipients are read in id order, a chunk at a time (never everyone at once).
    """
    now = now or timezone.now()
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update().select_related("segment").filter(pk=campaign_id)
        ).first()
        if campaign is None or campaign.status != Campaign.Status.SCHEDULED:
            return False
        if campaign.scheduled_at and campaign.scheduled_at > now:
            return False
        context = _message_context(campaign)
        url = (
            click_url(campaign_id=campaign.pk, user_id=None, channel="link", url=campaign.link_url)
            if campaign.link_url
            else ""
        )
        users = segment_users(campaign.segment.rules).order_by("pk")
        targeted, last = 0, 0
        while True:
            chunk = list(users.filter(pk__gt=last)[:CHUNK])
            if not chunk:
                break
            last = chunk[-1].pk
            targeted += len(chunk)
            notes = notify(
                recipients=chunk,
                kind=CAMPAIGN_KIND,
                context=context,
                url=url,
                dedupe_key=campaign.dedupe_key,
                channels=campaign.channels,
                now=now,
            )
            by_user = {n.recipient_id: n.pk for n in notes}
            CampaignRecipient.objects.bulk_create(
                [
                    CampaignRecipient(campaign=campaign, user=u, notification_id=by_user.get(u.pk))
                    for u in chunk
                ],
                ignore_conflicts=True,
            )
        campaign.status = Campaign.Status.SENT
        campaign.sent_at = now
        campaign.targeted = targeted
        campaign.save(update_fields=["status", "sent_at", "targeted", "updated_at"])
    return True


def campaigns_due_ids(*, now: datetime | None = None, limit: int = 50) -> list[int]:
    now = now or timezone.now()
    return list(
        Campaign.objects.filter(status=Campaign.Status.SCHEDULED, scheduled_at__lte=now)
        .order_by("scheduled_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
