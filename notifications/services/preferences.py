"""Preferences: per-category x per-channel choices, quiet hours and the email digest.

NotificationPreference rows exist only for choices that differ from the default, so when a
kind's defaults change, people who never touched that box follow the new default.
Transactional kinds (password changes, security alerts) cannot be muted: a channel that is on
by default for them stays on whatever the preference says; a channel that is off by default
can still be switched on.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from notifications.kinds import CATEGORIES, KINDS, Kind
from notifications.models import Channel, Delivery, NotificationPreference, NotificationSettings
from notifications.services.delivery import deliveries_queue

if TYPE_CHECKING:
    from accounts.models import User

CHANNELS: tuple[str, ...] = (Channel.IN_APP, Channel.EMAIL, Channel.SMS, Channel.PUSH)
# A category with no kinds yet shows the usual defaults (the Kind dataclass's own).
FALLBACK_DEFAULTS: dict[str, bool] = dict(Kind(name="-", category="account").defaults)

Matrix = dict[str, dict[str, bool]]


def channel_enabled(*, kind: Kind, channel: str, explicit: bool | None) -> bool:
    """Whether ``kind`` goes out on ``channel`` given the user's explicit choice (or None)."""
    default = bool(kind.defaults.get(channel, False))
    if kind.transactional and default:
        return True
    return default if explicit is None else explicit


def category_kinds(category: str) -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.category == category]


def category_defaults(category: str) -> dict[str, bool]:
    """A box is ticked by default when any kind of the category uses that channel."""
    kinds = category_kinds(category)
    if not kinds:
        return dict(FALLBACK_DEFAULTS)
    return {ch: any(kind.defaults.get(ch, False) for kind in kinds) for ch in CHANNELS}


def locked_channels(category: str) -> set[str]:
    """Channels no choice can turn off: every kind of the category is transactional and on."""
    kinds = category_kinds(category)
    if not kinds or not all(kind.transactional for kind in kinds):
        return set()
    return {ch for ch in CHANNELS if all(kind.defaults.get(ch, False) for kind in kinds)}


def explicit_choices(*, user: User) -> dict[tuple[str, str], bool]:
    rows = NotificationPreference.objects.filter(user=user).values_list(
        "category", "channel", "enabled"
    )
    return {(category, channel): enabled for category, channel, enabled in rows}


def preference_matrix(*, user: User) -> Matrix:
    """Effective choices for every category and channel: explicit, else the defaults."""
    explicit = explicit_choices(user=user)
    matrix: Matrix = {}
    for category in CATEGORIES:
        defaults = category_defaults(category)
        locked = locked_channels(category)
        matrix[category] = {
            ch: True if ch in locked else explicit.get((category, ch), defaults[ch])
            for ch in CHANNELS
        }
    return matrix


def notification_settings_get(*, user: User) -> NotificationSettings:
    obj, _created = NotificationSettings.objects.get_or_create(user=user)
    return obj


def notification_settings_read(*, user: User) -> NotificationSettings:
    """The user's settings, or unsaved defaults: reading a page must not write."""
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def matrix_errors(matrix: Mapping[str, Any]) -> list[str]:
    """Messages for unknown categories or channels and non-boolean values (empty when fine)."""
    errors: list[str] = []
    for category, channels in matrix.items():
        if category not in CATEGORIES:
            errors.append(_("Unknown category “%(category)s”.") % {"category": category})
            continue
        if not isinstance(channels, Mapping):
            errors.append(
                _("“%(category)s” must map channels to true or false.") % {"category": category}
            )
            continue
        for channel, value in channels.items():
            if channel not in CHANNELS:
                errors.append(
                    _("Unknown channel “%(channel)s” in “%(category)s”.")
                    % {"channel": channel, "category": category}
                )
            elif not isinstance(value, bool):
                errors.append(
                    _("“%(category)s.%(channel)s” must be true or false.")
                    % {"category": category, "channel": channel}
                )
    return errors


def quiet_hours_errors(start: time | None, end: time | None) -> dict[str, list[str]]:
    if (start is None) != (end is None):
        missing = "quiet_end" if end is None else "quiet_start"
        return {missing: [_("Set both the start and the end of quiet hours, or neither.")]}
    if start is not None and start == end:
        return {"quiet_end": [_("Quiet hours must end at a different time than they start.")]}
    return {}


@transaction.atomic
def preferences_update(
    *,
    user: User,
    matrix: Mapping[str, Mapping[str, bool]],
    quiet_start: time | None,
    quiet_end: time | None,
    digest: str,
) -> NotificationSettings:
    """Replace all choices. Cells missing from ``matrix`` go back to their defaults."""
    errors: dict[str, list[str]] = {}
    if problems := matrix_errors(matrix):
        errors["matrix"] = problems
    errors.update(quiet_hours_errors(quiet_start, quiet_end))
    if digest not in NotificationSettings.Digest.values:
        errors["digest"] = [_("Choose off, daily or weekly.")]
    if errors:
        raise ValidationError(errors)

    wanted: list[NotificationPreference] = []
    for category, channels in matrix.items():
        defaults = category_defaults(category)
        locked = locked_channels(category)
        for channel, enabled in channels.items():
            if channel not in locked and enabled != defaults[channel]:
                wanted.append(
                    NotificationPreference(
                        user=user, category=category, channel=channel, enabled=enabled
                    )
                )
    NotificationPreference.objects.filter(user=user).delete()
    NotificationPreference.objects.bulk_create(wanted)

    obj = notification_settings_get(user=user)
    was_batching = obj.digest != NotificationSettings.Digest.OFF
    obj.quiet_start, obj.quiet_end, obj.digest = quiet_start, quiet_end, digest
    obj.full_clean()
    obj.save()
    if was_batching and digest == NotificationSettings.Digest.OFF:
        _release_digest(user=user)
    return obj


def _release_digest(*, user: User) -> None:
    """Someone who turns the digest off gets what was waiting for it now, not never."""
    waiting = Delivery.objects.select_for_update().filter(user=user, status=Delivery.Status.DIGEST)
    ids = list(waiting.values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.QUEUED)
    deliveries_queue(delivery_ids=ids)


# --- time zones and quiet hours ------------------------------------------------------------


def user_zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def quiet_hours_end(
    *, start: time | None, end: time | None, zone: zoneinfo.ZoneInfo, now: datetime
) -> datetime | None:
    """When the quiet hours around ``now`` end (UTC), or None when ``now`` is not quiet.

    ``start``/``end`` are local wall-clock times; a window may wrap midnight (22:00-07:00).
    A start without an end ends at KALPLA_QUIET_HOURS_RELEASE_HOUR.
    """
    if start is None:
        return None
    if end is None:
        end = time(settings.KALPLA_QUIET_HOURS_RELEASE_HOUR)
    if start == end:
        return None
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        if not start <= clock < end:
            return None
        end_date = local.date()
    else:
        if end <= clock < start:
            return None
        end_date = local.date() + timedelta(days=1) if clock >= start else local.date()
    return datetime.combine(end_date, end, tzinfo=zone).astimezone(UTC)
