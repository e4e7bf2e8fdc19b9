"""Segments and campaigns: writing them, sending a campaign exactly once, opens and clicks.

Sending: ``campaign_deliver`` locks the campaign's row and sends only a scheduled campaign
whose time has come, marking it sent in the same transaction, so the beat job running twice
(or beside a "send now") sends once. notify() is given the campaign's dedupe key as well: a
person is messaged once per campaign whatever happens. Everything notify() applies holds:
preferences of the "marketing" category per channel, quiet hours (SMS and push held), email
digests and suppression; people no channel reaches are recorded without a notification.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.tracking import ObjectRef, track
from activity.verbs import Verb
from analytics.models import Campaign, CampaignInteraction, Segment
from analytics.policies import analytics_can_view_platform
from analytics.segments import rule_course_ids, rules_validate
from analytics.services.campaign_sending import CHANNEL_FIELDS, MESSAGE_FIELDS
from analytics.tasks_campaigns import campaign_send_task
from analytics.tracking import Tracked, link_is_allowed, links_in
from courses.selectors.activity import course_in_bulk
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError

CHANNELS = tuple(CHANNEL_FIELDS)
EDITABLE = (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED)


def _staff_only(actor: Any) -> None:
    if not analytics_can_view_platform(user=actor):
        raise PermissionDenied(_("Only staff manage segments and campaigns."))


# --- segments --------------------------------------------------------------------------


def segment_rules_clean(rules: Any) -> dict[str, Any]:
    """Validated rules whose courses exist (ValidationError with every problem otherwise)."""
    rules_validate(rules)
    named = rule_course_ids(rules)
    existing = set(course_in_bulk(course_ids=named)) if named else set()
    return rules_validate(rules, course_ids=existing)


def _segment_save(segment: Segment, *, name: str, description: str, rules: Any) -> Segment:
    segment.name = name.strip()
    segment.description = description.strip()
    segment.rules = segment_rules_clean(rules)
    segment.full_clean()
    segment.save()
    return segment


def segment_create(*, actor: Any, name: str, rules: Any, description: str = "") -> Segment:
    _staff_only(actor)
    return _segment_save(Segment(created_by=actor), name=name, description=description, rules=rules)


def segment_update(
    *, actor: Any, segment: Segment, name: str, rules: Any, description: str = ""
) -> Segment:
    _staff_only(actor)
    return _segment_save(segment, name=name, description=description, rules=rules)


def segment_delete(*, actor: Any, segment: Segment) -> None:
    _staff_only(actor)
    if segment.campaigns.exists():
        raise Conflict(_("Campaigns use this segment; delete them first."), code="segment_in_use")
    segment.delete()


# --- campaigns -------------------------------------------------------------------------


def _clean_channels(channels: Any) -> list[str]:
    if not isinstance(channels, list | tuple) or not channels:
        raise ValidationError(
            _("Choose at least one channel."), errors={"channels": [_("Choose a channel.")]}
        )
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ValidationError(
            _("Unknown channel."), errors={"channels": [_("Unknown channel: %s") % unknown[0]]}
        )
    return [c for c in CHANNELS if c in channels]


def _campaign_check(campaign: Campaign) -> None:
    errors: dict[str, list[str]] = {}
    for channel in campaign.channels:
        for name in CHANNEL_FIELDS[channel]:
            if not str(getattr(campaign, name)).strip():
                errors[name] = [_("Write this message for the channels you chose.")]
    if campaign.link_url and not link_is_allowed(campaign.link_url):
        errors["link_url"] = [
            _("Links may lead to this site or an allowed address only (no other hosts).")
        ]
    bad = [u for u in links_in(campaign.email_body) if not link_is_allowed(u)]
    if bad:
        errors["email_body"] = [
            _("This link leads to a host campaigns may not link to: %(url)s") % {"url": bad[0]}
        ]
    if errors:
        raise ValidationError(_("The campaign has errors."), errors=errors)


def _campaign_fill(campaign: Campaign, data: dict[str, Any]) -> Campaign:
    for name in ("name", "link_url", *MESSAGE_FIELDS):
        if name in data:
            setattr(campaign, name, str(data[name] or "").strip())
    if "segment" in data:
        campaign.segment = data["segment"]
    if "channels" in data:
        campaign.channels = _clean_channels(data["channels"])
    _campaign_check(campaign)
    campaign.full_clean()
    campaign.save()
    return campaign


def campaign_create(*, actor: Any, data: dict[str, Any]) -> Campaign:
    """A draft campaign: ``name``, ``segment``, ``channels`` and the chosen channels' messages."""
    _staff_only(actor)
    if "channels" not in data:
        data = {**data, "channels": []}
    return _campaign_fill(Campaign(created_by=actor), data)


def campaign_update(*, actor: Any, campaign: Campaign, data: dict[str, Any]) -> Campaign:
    _staff_only(actor)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status not in EDITABLE:
            raise Conflict(_("A sent or cancelled campaign cannot change."), code="not_editable")
        return _campaign_fill(locked, data)


def campaign_delete(*, actor: Any, campaign: Campaign) -> None:
    _staff_only(actor)
    if campaign.status == Campaign.Status.SENT:
        raise Conflict(_("A sent campaign is kept for its report."), code="already_sent")
    campaign.delete()


def campaign_schedule(
    *, actor: Any, campaign: Campaign, at: datetime | None, now: datetime | None = None
) -> Campaign:
    """Send at ``at`` (None: now, handed to Celery once this commits)."""
    _staff_only(actor)
    now = now or timezone.now()
    if at is not None and at < now:
        raise ValidationError(
            _("Choose a time in the future."), errors={"send_at": [_("This time has passed.")]}
        )
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status not in EDITABLE:
            raise Conflict(_("This campaign was sent or cancelled already."), code="not_editable")
        _campaign_check(locked)
        locked.status = Campaign.Status.SCHEDULED
        locked.scheduled_at = at or now
        locked.save(update_fields=["status", "scheduled_at", "updated_at"])
        if at is None:
            transaction.on_commit(lambda: campaign_send_task.delay(campaign_id=locked.pk))
    return locked


def campaign_cancel(*, actor: Any, campaign: Campaign) -> Campaign:
    _staff_only(actor)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != Campaign.Status.SCHEDULED:
            raise Conflict(_("Only a scheduled campaign can be cancelled."), code="not_scheduled")
        locked.status = Campaign.Status.DRAFT
        locked.scheduled_at = None
        locked.save(update_fields=["status", "scheduled_at", "updated_at"])
    return locked


# --- opens and clicks ------------------------------------------------------------------


def _interaction(tracked: Tracked, *, kind: str, user_id: int | None, url: str = "") -> None:
    campaign = Campaign.objects.filter(pk=tracked.campaign_id).only("pk").first()
    if campaign is None:
        return
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    CampaignInteraction.objects.create(
        campaign=campaign, user=user, kind=kind, channel=tracked.channel, url=url[:500]
    )
    verb = Verb.CAMPAIGN_OPENED if kind == CampaignInteraction.Kind.OPEN else Verb.CAMPAIGN_CLICKED
    track(
        actor=user,
        verb=verb,
        object=ObjectRef("campaign", campaign.pk),
        context={"channel": tracked.channel, **({"url": url[:300]} if url else {})},
    )


def campaign_open_record(*, tracked: Tracked) -> None:
    """The email's pixel was loaded (images shown): one open of that person."""
    _interaction(tracked, kind=CampaignInteraction.Kind.OPEN, user_id=tracked.user_id)


def campaign_click_record(*, tracked: Tracked, viewer: Any) -> str:
    """A tracked link was followed; returns where to send the visitor (only an allowed
    address: this site or ``KALPLA_CAMPAIGN_LINK_HOSTS``; otherwise the home page)."""
    user_id = tracked.user_id
    if user_id is None and getattr(viewer, "is_authenticated", False):
        user_id = viewer.pk
    if not link_is_allowed(tracked.url):
        return "/"
    _interaction(tracked, kind=CampaignInteraction.Kind.CLICK, user_id=user_id, url=tracked.url)
    return tracked.url
