"""A mentor's weekly hours and dated exceptions, on their own profile only.

Rules are RFC 5545 recurrences (``FREQ=WEEKLY;BYDAY=MO,WE``) with wall-clock hours in the
mentor's time zone; the site's form builds the rule from weekday checkboxes
(``weekly_rrule``), the API also takes a raw ``rrule``.
"""

from collections.abc import Iterable
from datetime import date, time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalpla.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from mentorship.models import AvailabilityException, AvailabilityRule, MentorProfile
from mentorship.policies import mentor_can_offer

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def weekly_rrule(weekdays: Iterable[str]) -> str:
    """``FREQ=WEEKLY;BYDAY=..`` from weekday codes (MO..SU), in calendar order."""
    chosen = {day.upper() for day in weekdays}
    unknown = chosen - set(WEEKDAYS)
    if not chosen or unknown:
        raise ValidationError(
            _("Pick at least one day of the week."),
            code="invalid",
            errors={"weekdays": [_("Pick at least one day of the week.")]},
        )
    return "FREQ=WEEKLY;BYDAY=" + ",".join(day for day in WEEKDAYS if day in chosen)


def own_mentor_profile(*, user: Any, lock: bool = False) -> MentorProfile:
    """The profile whose calendar ``user`` edits: their own, and only with the Mentor role."""
    if not mentor_can_offer(user):
        raise PermissionDenied(_("Only mentors set availability."), code="not_mentor")
    rows = MentorProfile.objects.filter(user_id=user.pk)
    if lock:
        rows = rows.select_for_update()
    profile = rows.first()
    if profile is None:
        raise Conflict(
            _("Create your mentor profile first, then set your hours."), code="no_mentor_profile"
        )
    return profile


def _save(obj: Any) -> Any:
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def availability_rule_create(
    *,
    user: Any,
    start_time: time,
    end_time: time,
    rrule: str = "",
    weekdays: Iterable[str] = (),
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> AvailabilityRule:
    """Weekly hours from ``weekdays`` (MO..SU) or a raw ``rrule`` (one of the two)."""
    profile = own_mentor_profile(user=user)
    rule = AvailabilityRule(
        mentor=profile,
        rrule=rrule or weekly_rrule(weekdays),
        start_time=start_time,
        end_time=end_time,
        valid_from=valid_from or timezone.localdate(),
        valid_until=valid_until,
    )
    return _save(rule)


def _own_rule(*, user: Any, rule_id: int) -> AvailabilityRule:
    profile = own_mentor_profile(user=user)
    rule = AvailabilityRule.objects.filter(pk=rule_id, mentor=profile).first()
    if rule is None:
        raise NotFound(_("Not found."))
    return rule


@transaction.atomic
def availability_rule_update(*, user: Any, rule_id: int, **changes: Any) -> AvailabilityRule:
    """Change some of ``rrule``/``weekdays``, ``start_time``, ``end_time``, ``valid_from``,
    ``valid_until`` of the user's own rule."""
    rule = _own_rule(user=user, rule_id=rule_id)
    weekdays = changes.pop("weekdays", None)
    if weekdays is not None and not changes.get("rrule"):
        changes["rrule"] = weekly_rrule(weekdays)
    for name in ("rrule", "start_time", "end_time", "valid_from", "valid_until"):
        if name in changes:
            setattr(rule, name, changes[name])
    return _save(rule)


@transaction.atomic
def availability_rule_delete(*, user: Any, rule_id: int) -> None:
    _own_rule(user=user, rule_id=rule_id).delete()


@transaction.atomic
def availability_exception_create(
    *,
    user: Any,
    date: date,
    kind: str = AvailabilityException.Kind.OFF,
    start_time: time | None = None,
    end_time: time | None = None,
    note: str = "",
) -> AvailabilityException:
    """A day (or some hours) off, or extra hours on a day, in the mentor's time zone."""
    profile = own_mentor_profile(user=user)
    exception = AvailabilityException(
        mentor=profile,
        date=date,
        kind=kind,
        start_time=start_time,
        end_time=end_time,
        note=note,
    )
    return _save(exception)


def _own_exception(*, user: Any, exception_id: int) -> AvailabilityException:
    profile = own_mentor_profile(user=user)
    exception = AvailabilityException.objects.filter(pk=exception_id, mentor=profile).first()
    if exception is None:
        raise NotFound(_("Not found."))
    return exception


@transaction.atomic
def availability_exception_update(
    *, user: Any, exception_id: int, **changes: Any
) -> AvailabilityException:
    exception = _own_exception(user=user, exception_id=exception_id)
    for name in ("date", "kind", "start_time", "end_time", "note"):
        if name in changes:
            setattr(exception, name, changes[name])
    return _save(exception)


@transaction.atomic
def availability_exception_delete(*, user: Any, exception_id: int) -> None:
    _own_exception(user=user, exception_id=exception_id).delete()
