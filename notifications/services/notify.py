"""notify(): the one way the platform tells people things.

One call stores one in-app Notification per recipient and plans every other channel from the
recipient's preferences: a Delivery row per channel that will carry it (queued, ``held`` until
quiet hours end for non-urgent SMS/push, ``digest`` for non-urgent email of digest users),
sent by Celery once the transaction commits.

In-app switched off: the bell and live push are the in-app channel. When a person switched it
off for a category (never possible for transactional kinds), the notification is still stored
when another channel carries it, because the email, SMS and push renderers read it and the
history page stays truthful, but it is stored already read: no badge, no live push. When no
channel at all would carry it, nothing is stored.

Queries do not grow with the number of recipients: a fixed handful of reads, one insert for
the notifications and one for the deliveries.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, password_changed, password_reset, password_set
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.signals import api_key_created, user_signup_completed
from notifications.kinds import Kind, get_kind
from notifications.models import (
    Channel,
    Delivery,
    Device,
    Notification,
    NotificationPreference,
    NotificationSettings,
    PhoneNumber,
)
from notifications.selectors import unread_counts_fresh
from notifications.services.delivery import deliveries_queue
from notifications.services.inapp import notification_new_publish, unread_cache_invalidate
from notifications.services.preferences import (
    CHANNELS,
    channel_enabled,
    quiet_hours_end,
    user_zone,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

TITLE_MAX = 200
WELCOME_WITHIN = timedelta(days=30)


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    context: Mapping[str, Any] | None = None,
    url: str = "",
    dedupe_key: str = "",
    urgent: bool | None = None,
    now: datetime | None = None,
    channels: Collection[str] | None = None,
) -> list[Notification]:
    """Tell ``recipients`` about something of ``kind``; returns their notifications.

    ``context`` must be JSON-able: it is stored on the notification for the channel
    templates (datetimes and decimals become strings). With ``dedupe_key``, a recipient who
    already has a notification with that key gets that one back and nothing is sent again.
    ``urgent`` overrides the kind's own (urgent skips quiet hours and the digest). ``now``
    is the moment used for quiet hours (tests, backfills). ``channels`` limits which channels
    may carry it (a campaign written for email and push only); each person's preferences still
    decide within them.
    """
    spec = get_kind(kind)
    users = _unique_active(recipients)
    if not users:
        return []
    data: dict[str, Any] = json.loads(json.dumps(dict(context or {}), cls=DjangoJSONEncoder))
    is_urgent = spec.urgent if urgent is None else urgent
    now = now or timezone.now()

    with transaction.atomic():
        existing: dict[int, Notification] = {}
        if dedupe_key:
            existing = {
                n.recipient_id: n
                for n in Notification.objects.filter(
                    recipient_id__in=[u.pk for u in users], dedupe_key=dedupe_key
                )
            }
        fresh = [u for u in users if u.pk not in existing]
        plans = _plan(spec=spec, users=fresh, only=channels)
        drafts = [
            _draft(
                spec=spec,
                user=user,
                data=data,
                url=url,
                dedupe_key=dedupe_key,
                urgent=is_urgent,
                in_app=channels[Channel.IN_APP],
            )
            for user, channels in plans
        ]
        created, raced = _insert(drafts, dedupe_key=dedupe_key)
        existing.update({n.recipient_id: n for n in [*raced, *created]})
        _schedule_channels(
            created=created,
            plans={user.pk: channels for user, channels in plans},
            urgent=is_urgent,
            now=now,
        )
        _announce(created)
    return [existing[u.pk] for u in users if u.pk in existing]


def _unique_active(recipients: Iterable[User]) -> list[User]:
    seen: set[int] = set()
    users: list[User] = []
    for user in recipients:
        if user.pk is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            users.append(user)
    return users


def _plan(
    *, spec: Kind, users: list[User], only: Collection[str] | None = None
) -> list[tuple[User, dict[str, bool]]]:
    """Per user, which channels carry this kind; users no channel reaches are left out."""
    if not users:
        return []
    ids = [u.pk for u in users]
    explicit = {
        (user_id, channel): enabled
        for user_id, channel, enabled in NotificationPreference.objects.filter(
            user_id__in=ids, category=spec.category
        ).values_list("user_id", "channel", "enabled")
    }
    wanted = {
        u.pk: {
            ch: (only is None or ch in only)
            and channel_enabled(kind=spec, channel=ch, explicit=explicit.get((u.pk, ch)))
            for ch in CHANNELS
        }
        for u in users
    }
    reachable = _reachable(wanted)
    plans = []
    for user in users:
        channels = wanted[user.pk]
        for channel, user_ids in reachable.items():
            channels[channel] = channels[channel] and user.pk in user_ids
        if any(channels.values()):
            plans.append((user, channels))
    return plans


def _reachable(wanted: dict[int, dict[str, bool]]) -> dict[str, set[int]]:
    """SMS needs a verified phone and push an enabled device; ask only when someone wants it."""
    reachable: dict[str, set[int]] = {}
    sms_ids = [user_id for user_id, ch in wanted.items() if ch[Channel.SMS]]
    if sms_ids:
        reachable[Channel.SMS] = set(
            PhoneNumber.objects.filter(user_id__in=sms_ids, verified_at__isnull=False).values_list(
                "user_id", flat=True
            )
        )
    push_ids = [user_id for user_id, ch in wanted.items() if ch[Channel.PUSH]]
    if push_ids:
        reachable[Channel.PUSH] = set(
            Device.objects.filter(user_id__in=push_ids, enabled=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
    return reachable


def render_inapp(*, spec: Kind, user: User, data: Mapping[str, Any]) -> tuple[str, str]:
    """The in-app title and body in the recipient's language."""
    context = {**data, "user": user}
    with translation.override(user.language or settings.LANGUAGE_CODE):
        title = render_to_string(f"{spec.template_dir}/title.txt", context).strip()
        body = render_to_string(f"{spec.template_dir}/inapp.txt", context).strip()
    return title[:TITLE_MAX], body


def _draft(
    *,
    spec: Kind,
    user: User,
    data: dict[str, Any],
    url: str,
    dedupe_key: str,
    urgent: bool,
    in_app: bool,
) -> Notification:
    title, body = render_inapp(spec=spec, user=user, data=data)
    return Notification(
        recipient=user,
        kind=spec.name,
        category=spec.category,
        title=title,
        body=body,
        url=url,
        data=data,
        urgent=urgent,
        dedupe_key=dedupe_key,
        read_at=None if in_app else timezone.now(),
    )


def _insert(
    drafts: list[Notification], *, dedupe_key: str
) -> tuple[list[Notification], list[Notification]]:
    """Insert the drafts; returns (created, notifications a concurrent call created first)."""
    if not drafts:
        return [], []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(drafts), []
    except IntegrityError:
        if not dedupe_key:
            raise
    # A concurrent notify() with the same key won the race for some recipients: keep theirs
    # and insert the rest one by one.
    created: list[Notification] = []
    raced: list[Notification] = []
    for draft in drafts:
        try:
            with transaction.atomic():
                draft.save()
        except IntegrityError:
            raced.append(
                Notification.objects.get(recipient_id=draft.recipient_id, dedupe_key=dedupe_key)
            )
        else:
            created.append(draft)
    return created, raced


def _schedule_channels(
    *,
    created: list[Notification],
    plans: dict[int, dict[str, bool]],
    urgent: bool,
    now: datetime,
) -> None:
    if not created:
        return
    user_ids = [n.recipient_id for n in created]
    prefs = {s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=user_ids)}
    deliveries: list[Delivery] = []
    for n in created:
        channels = plans[n.recipient_id]
        user_prefs = prefs.get(n.recipient_id)
        for channel in (Channel.EMAIL, Channel.SMS, Channel.PUSH):
            if channels[channel]:
                deliveries.append(
                    _delivery(n, channel=channel, prefs=user_prefs, urgent=urgent, now=now)
                )
    Delivery.objects.bulk_create(deliveries)
    deliveries_queue(delivery_ids=[d.pk for d in deliveries if d.status == Delivery.Status.QUEUED])


def _delivery(
    n: Notification,
    *,
    channel: str,
    prefs: NotificationSettings | None,
    urgent: bool,
    now: datetime,
) -> Delivery:
    delivery = Delivery(notification=n, user_id=n.recipient_id, channel=channel)
    if urgent or prefs is None:
        return delivery
    if channel == Channel.EMAIL and prefs.digest != NotificationSettings.Digest.OFF:
        delivery.status = Delivery.Status.DIGEST
    elif channel in (Channel.SMS, Channel.PUSH):
        until = quiet_hours_end(
            start=prefs.quiet_start, end=prefs.quiet_end, zone=user_zone(n.recipient), now=now
        )
        if until is not None:
            delivery.status = Delivery.Status.HELD
            delivery.send_after = until
    return delivery


def _announce(created: list[Notification]) -> None:
    """Live push and cache invalidation for the notifications that are unread in-app."""
    live = [n for n in created if n.read_at is None]
    if not live:
        return
    counts = unread_counts_fresh(user_ids=[n.recipient_id for n in live])
    unread_cache_invalidate(user_ids=counts.keys())
    for n in live:
        notification_new_publish(notification=n, unread_count=counts[n.recipient_id])


# --- the accounts app's kinds -------------------------------------------------------------


def account_welcome_notify(*, user: User) -> list[Notification]:
    """Welcome someone once their address is verified (social sign-ups arrive verified).

    Mailing a welcome to an address nobody has confirmed would mail strangers; the dedupe key
    keeps it to one welcome per person whichever path gets here first.
    """
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        return []
    return notify(
        recipients=[user],
        kind="account.welcome",
        url=reverse("home"),
        dedupe_key="account.welcome",
    )


def account_password_changed_notify(*, user: User) -> list[Notification]:
    return notify(
        recipients=[user],
        kind="account.password_changed",
        context={"changed_at": timezone.now()},
        url=reverse("account_change_password"),
    )


def account_api_key_created_notify(*, user: User, key_name: str, key_prefix: str) -> None:
    notify(
        recipients=[user],
        kind="account.api_key_created",
        context={"key_name": key_name, "key_prefix": key_prefix},
        url=reverse("accounts:api_keys"),
    )


@receiver(user_signup_completed, dispatch_uid="notifications_welcome_on_signup")
def _welcome_on_signup(sender: Any, user: User, **kwargs: Any) -> None:
    account_welcome_notify(user=user)


@receiver(api_key_created, dispatch_uid="notifications_api_key_created")
def _api_key_created(sender: Any, user: User, key: Any, **kwargs: Any) -> None:
    account_api_key_created_notify(user=user, key_name=key.name, key_prefix=key.prefix)


@receiver(email_confirmed, dispatch_uid="notifications_welcome_on_email_confirmed")
def _welcome_on_email_confirmed(
    sender: Any, request: Any, email_address: EmailAddress, **kwargs: Any
) -> None:
    # Only the address someone signed up with: confirming a second address years later is
    # not a reason to be welcomed.
    user = email_address.user
    if email_address.primary and timezone.now() - user.date_joined < WELCOME_WITHIN:
        account_welcome_notify(user=user)


@receiver(password_changed, dispatch_uid="notifications_password_changed")
@receiver(password_reset, dispatch_uid="notifications_password_reset")
@receiver(password_set, dispatch_uid="notifications_password_set")
def _password_changed(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    account_password_changed_notify(user=user)
