"""Seats in a cohort: who may take one (``cohort_admit``) under the cohort's row lock.

Every change of a cohort's seats runs under the cohort's row lock (``cohort_lock``):
``select_for_update`` on PostgreSQL; on SQLite every transaction takes the database's write
lock when it starts (``transaction_mode`` IMMEDIATE in settings), which serializes them too.

A seat is owed to the people ahead in line: someone who is not first may take one only when
more seats are free than people are waiting ahead of them. An offer holds its holder's seat.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollments.cohorts.selectors import OPEN_STATUSES, cohort_seats_taken
from enrollments.models import Cohort, WaitlistEntry
from kalpla.exceptions import Conflict, ValidationError

if TYPE_CHECKING:
    from courses.models import Course


def cohort_lock(*, cohort_id: int) -> Cohort:
    """The cohort, locked until the transaction ends (the caller is in one)."""
    return Cohort.objects.select_for_update().select_related("course").get(pk=cohort_id)


def closed_error() -> Conflict:
    return Conflict(
        _("Enrollment in this cohort is closed."),
        code="enrollment_closed",
        errors={"cohort": [_("Enrollment in this cohort is closed.")]},
    )


def _full() -> Conflict:
    message = _("This cohort is full. Join its waitlist to be offered the next free seat.")
    return Conflict(message, code="cohort_full", errors={"cohort": [message]})


def open_entry_locked(*, user_id: int, cohort: Cohort) -> WaitlistEntry | None:
    return (
        WaitlistEntry.objects.select_for_update()
        .filter(cohort=cohort, user_id=user_id, status__in=OPEN_STATUSES)
        .first()
    )


def _waiting_ahead(*, cohort: Cohort, entry: WaitlistEntry | None) -> int:
    waiting = WaitlistEntry.objects.filter(cohort=cohort, status=WaitlistEntry.Status.WAITING)
    if entry is not None:
        waiting = waiting.filter(
            Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, id__lt=entry.pk)
        )
    return waiting.count()


def has_seat_for(*, cohort: Cohort, entry: WaitlistEntry | None, now: datetime) -> bool:
    """Caller holds the lock. An offer holds its holder's seat; anyone else needs a free seat
    beyond those owed to the people waiting ahead of them."""
    if (
        entry is not None
        and entry.status == WaitlistEntry.Status.OFFERED
        and entry.offer_expires_at is not None
        and entry.offer_expires_at > now
    ):
        return True
    if cohort.capacity is None:
        return True
    free = cohort.capacity - cohort_seats_taken(cohort=cohort, now=now)
    return free - _waiting_ahead(cohort=cohort, entry=entry) > 0


def cohort_admit(
    *, user: Any, course: Course, cohort: Cohort | None, now: datetime | None = None
) -> Cohort | None:
    """Check that ``user`` may enroll in ``course`` with ``cohort`` (None: without one),
    and take the seat: the cohort comes back locked, and the user's waitlist entry on it (if
    any) is closed as enrolled. The caller is in a transaction and saves the enrollment.

    Raises ValidationError ``cohort_required`` (the course requires a cohort) and
    ``invalid_cohort`` (another course's), Conflict ``enrollment_closed`` (archived, over, or
    outside its window; people on its waitlist keep their place after it closes) and
    ``cohort_full``.
    """
    if _check_cohort(course=course, cohort=cohort) is None:
        return None
    assert cohort is not None
    now = now or timezone.now()
    locked = cohort_lock(cohort_id=cohort.pk)
    entry = open_entry_locked(user_id=user.pk, cohort=locked)
    _check_seat(cohort=locked, entry=entry, now=now)
    if entry is not None:
        entry_close(entry, WaitlistEntry.Status.ENROLLED, now=now)
    return locked


def cohort_enroll_check(
    *, user: Any, course: Course, cohort: Cohort | None, now: datetime | None = None
) -> None:
    """``cohort_admit``'s checks without taking the seat or a lock, for a checkout to ask
    before taking a payment (the seat is taken, or refused, when the payment enrolls)."""
    if _check_cohort(course=course, cohort=cohort) is None:
        return
    assert cohort is not None
    entry = WaitlistEntry.objects.filter(
        cohort=cohort, user_id=user.pk, status__in=OPEN_STATUSES
    ).first()
    _check_seat(cohort=cohort, entry=entry, now=now or timezone.now())


def _check_cohort(*, course: Course, cohort: Cohort | None) -> Cohort | None:
    if cohort is None:
        if getattr(course, "requires_cohort", False):
            message = _("Choose a cohort to enroll in this course.")
            raise ValidationError(message, code="cohort_required", errors={"cohort": [message]})
        return None
    if cohort.course_id != course.pk:
        message = _("This cohort is not one of this course's.")
        raise ValidationError(message, code="invalid_cohort", errors={"cohort": [message]})
    return cohort


def _check_seat(*, cohort: Cohort, entry: WaitlistEntry | None, now: datetime) -> None:
    """People on the waitlist keep their place after enrollment closes (not after the end)."""
    if not cohort.enrollment_open(now) and not (
        entry is not None and cohort.is_active and now < cohort.ends_at
    ):
        raise closed_error()
    if not has_seat_for(cohort=cohort, entry=entry, now=now):
        raise _full()


def entry_close(entry: WaitlistEntry, status: str, *, now: datetime) -> None:
    entry.status = status
    entry.closed_at = now
    entry.save(update_fields=["status", "closed_at"])
