"""Writes of cohorts: creating and editing them, moving a student to another cohort.

Seats are ``enrollments.cohorts.seats``' and the waitlist ``enrollments.cohorts.waitlist``'s
(joining, leaving, offers, promotion); this module re-exports what other apps call, e.g. the
commerce app:

    cohort_enroll_check(user=user, course=course, cohort=cohort)  # before checkout: raises
        # cohort_required / invalid_cohort / enrollment_closed / cohort_full
    enrollment_create(user=user, course=course, source="paid", cohort=cohort)  # paid: takes
        # the seat (enrollments.services), or for a seat offered from the waitlist:
    enrollment = waitlist_offer_accept(user=user, cohort=cohort)  # in the payment transaction
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollments.cache import learning_list_invalidate
from enrollments.cohorts.policies import cohort_can_manage
from enrollments.cohorts.seats import cohort_enroll_check as cohort_enroll_check
from enrollments.cohorts.seats import cohort_lock
from enrollments.cohorts.selectors import LIVE_STATUSES, cohort_seats_taken
from enrollments.cohorts.waitlist import cohort_promote_locked
from enrollments.cohorts.waitlist import waitlist_offer_accept as waitlist_offer_accept
from enrollments.models import Cohort, Enrollment
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError

if TYPE_CHECKING:
    from courses.models import Course

COHORT_FIELDS = ("name", "starts_at", "ends_at", "capacity", "opens_at", "closes_at", "is_active")


def _require_manager(user: Any, course: Course) -> None:
    if not cohort_can_manage(user=user, course=course):
        raise PermissionDenied(_("Only the course's instructors and staff manage its cohorts."))


def _clean_save(cohort: Cohort) -> None:
    """Field and constraint errors (dates, the name taken) as field errors."""
    cohort.full_clean()
    cohort.save()


@transaction.atomic
def cohort_create(*, user: Any, course: Course, **fields: Any) -> Cohort:
    """A new cohort of ``course`` (``COHORT_FIELDS``). PermissionDenied for anyone but the
    course's editors; Django ValidationError for bad dates or a name the course has."""
    _require_manager(user, course)
    unknown = set(fields) - set(COHORT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
    cohort = Cohort(course=course, **fields)
    _clean_save(cohort)
    return cohort


@transaction.atomic
def cohort_update(
    *, user: Any, cohort: Cohort, now: datetime | None = None, **fields: Any
) -> Cohort:
    """Change the cohort's ``COHORT_FIELDS``. The capacity cannot go below the seats taken;
    raising it (or lifting it) gives the new seats to the waitlist at once."""
    _require_manager(user, cohort.course)
    now = now or timezone.now()
    locked = cohort_lock(cohort_id=cohort.pk)
    for name, value in fields.items():
        if name not in COHORT_FIELDS:
            raise ValidationError(_("Unknown field: %(name)s.") % {"name": name})
        setattr(locked, name, value)
    if locked.capacity is not None:
        taken = cohort_seats_taken(cohort=locked, now=now)
        if locked.capacity < taken:
            message = _("%(n)s seats are taken: the capacity cannot be lower.") % {"n": taken}
            raise ValidationError(
                message, code="capacity_below_taken", errors={"capacity": [message]}
            )
    _clean_save(locked)
    cohort_promote_locked(locked, now=now)
    for name in COHORT_FIELDS:
        setattr(cohort, name, getattr(locked, name))
    return locked


@transaction.atomic
def enrollment_cohort_switch(
    *, user: Any, enrollment: Enrollment, cohort: Cohort, now: datetime | None = None
) -> Enrollment:
    """Move a student to another cohort of the course (the course's editors). The new
    cohort needs a free seat (its window does not apply: staff may move people late); the
    seat left behind goes to the old cohort's waitlist. Conflict ``cohort_full``."""
    _require_manager(user, enrollment.course)
    if cohort.course_id != enrollment.course_id:
        message = _("This cohort is not one of this course's.")
        raise ValidationError(message, code="invalid_cohort", errors={"cohort": [message]})
    now = now or timezone.now()
    # both cohorts' locks, in id order (one lock order, no deadlock)
    ids = sorted({cohort.pk, *([enrollment.cohort_id] if enrollment.cohort_id else [])})
    locks = {cohort_id: cohort_lock(cohort_id=cohort_id) for cohort_id in ids}
    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if locked.status not in LIVE_STATUSES:
        raise Conflict(_("This enrollment was cancelled."), code="not_enrolled")
    if locked.cohort_id == cohort.pk:
        return locked
    target = locks[cohort.pk]
    if (
        target.capacity is not None
        and cohort_seats_taken(cohort=target, now=now) >= target.capacity
    ):
        message = _("This cohort is full.")
        raise Conflict(message, code="cohort_full", errors={"cohort": [message]})
    old_id = locked.cohort_id
    locked.cohort = target
    locked.save(update_fields=["cohort"])
    learning_list_invalidate(user_id=locked.user_id)
    if old_id is not None:
        cohort_promote_locked(locks[old_id], now=now)
    enrollment.cohort = target
    return locked
