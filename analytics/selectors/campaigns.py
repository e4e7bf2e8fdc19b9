"""Reads of campaigns: lists, a segment's count and sample, and a campaign's report.

The report is honest about what each channel can measure: SMS and push have no opens (a
text message cannot report being read; the apps do not report push opens) and clicks are
tracked only in email (per person) and on the message's shared link (the person when signed
in), so the page shows "not measurable" there rather than 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from analytics.models import Campaign, CampaignInteraction, CampaignRecipient, Segment
from analytics.segments import segment_users
from kalpla.exceptions import NotFound
from notifications.selectors import notification_send_stats

SAMPLE_SIZE = 10
SENT_STATUSES = ("sent", "delivered", "bounced", "complained")


def segment_list() -> QuerySet[Segment]:
    return Segment.objects.select_related("created_by").annotate(campaign_count=Count("campaigns"))


def segment_get(*, segment_id: int) -> Segment:
    segment = Segment.objects.filter(pk=segment_id).first()
    if segment is None:
        raise NotFound(_("No such segment."))
    return segment


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("segment", "created_by")


def campaign_get(*, campaign_id: int) -> Campaign:
    campaign = campaign_list().filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("No such campaign."))
    return campaign


@dataclass(frozen=True)
class SegmentPreview:
    count: int
    sample: list[Any]


def segment_preview(*, rules: dict[str, Any], sample_size: int = SAMPLE_SIZE) -> SegmentPreview:
    """How many people the (validated) rules select and the first few of them: two queries."""
    users = segment_users(rules)
    return SegmentPreview(
        count=users.count(),
        sample=list(users.order_by("pk").only("pk", "email", "name", "date_joined")[:sample_size]),
    )


@dataclass(frozen=True)
class ChannelReport:
    channel: str
    sent: int
    delivered: int | None
    pending: int
    not_delivered: int
    opened: int | None
    clicked: int | None


@dataclass(frozen=True)
class CampaignReport:
    targeted: int
    reached: int
    channels: list[ChannelReport]
    link_clicks: int
    link_clickers: int
    opened_people: int
    clicked_people: int


def _distinct_users(campaign: Campaign) -> dict[tuple[str, str], int]:
    rows = (
        CampaignInteraction.objects.filter(campaign=campaign, user__isnull=False)
        .values_list("kind", "channel")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    )
    return {(kind, channel): n for kind, channel, n in rows}


def campaign_report(*, campaign: Campaign) -> CampaignReport:
    """The campaign's figures: a fixed handful of queries whatever its size."""
    stats = notification_send_stats(dedupe_key=campaign.dedupe_key)
    people = _distinct_users(campaign)
    interactions = CampaignInteraction.objects.filter(campaign=campaign)
    overall = interactions.aggregate(
        opened=Count("user_id", distinct=True, filter=Q(kind="open")),
        clicked=Count("user_id", distinct=True, filter=Q(kind="click")),
        link_clicks=Count("id", filter=Q(kind="click", channel="link")),
        link_clickers=Count("user_id", distinct=True, filter=Q(kind="click", channel="link")),
    )
    reached = CampaignRecipient.objects.filter(
        campaign=campaign, notification_id__isnull=False
    ).count()
    channels: list[ChannelReport] = []
    for channel in campaign.channels:
        if channel == "in_app":
            channels.append(
                ChannelReport(
                    channel=channel,
                    sent=stats.shown,
                    delivered=stats.shown,
                    pending=0,
                    not_delivered=0,
                    opened=stats.read,
                    clicked=None,
                )
            )
            continue
        by_status = stats.deliveries.get(channel, {})
        sent = sum(by_status.get(s, 0) for s in SENT_STATUSES)
        channels.append(
            ChannelReport(
                channel=channel,
                sent=sent,
                delivered=by_status.get("delivered", 0),
                pending=sum(by_status.get(s, 0) for s in ("queued", "held", "digest")),
                not_delivered=sum(
                    by_status.get(s, 0)
                    for s in ("bounced", "complained", "failed", "suppressed", "skipped")
                ),
                opened=people.get(("open", "email"), 0) if channel == "email" else None,
                clicked=people.get(("click", "email"), 0) if channel == "email" else None,
            )
        )
    return CampaignReport(
        targeted=campaign.targeted,
        reached=reached,
        channels=channels,
        link_clicks=overall["link_clicks"] or 0,
        link_clickers=overall["link_clickers"] or 0,
        opened_people=overall["opened"] or 0,
        clicked_people=overall["clicked"] or 0,
    )
