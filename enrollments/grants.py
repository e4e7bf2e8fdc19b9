"""Enrollments that something above enrollments paid for or granted: the contract with commerce.

Commerce (orders, plans, refunds) sits above this app and calls these services; enrollments
never imports commerce. Each grant carries a reference naming what granted it, so that a
refund or a lapsed plan takes back exactly what it gave:

    enrollment_grant(user=u, course=c, source="paid", reference="order:12")   # in the payment's transaction
    enrollment_revoke(user=u, course=c, reference="order:12")                 # full refund
    access_pass_set(user=u, reference="subscription:5", all_courses=True, active=True)
    access_pass_set(user=u, reference="subscription:5", active=False)         # plan lapsed

A pass makes the paid courses it covers enroll like free ones (``course_enroll_state``
answers ``enroll``; ``enrollment_create`` records source "plan" and the pass's reference).
When the pass lapses those enrollments are suspended, progress kept; they resume with it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.services.catalogue import course_enrollment_count_change
from enrollments.models import AccessPass, Enrollment
from enrollments.signals import announce_enrollment_change

if TYPE_CHECKING:
    from courses.models import Course

logger = logging.getLogger(__name__)

_LIVE = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)
# Which hold on a course wins when a second one arrives: a purchase or a staff grant outlives
# a plan, which outlives a free enrollment.
_STRENGTH: dict[str, int] = {Enrollment.Source.FREE: 0, Enrollment.Source.PLAN: 1}


@transaction.atomic
def enrollment_grant(
    *, user: Any, course: Course, source: str, reference: str, cohort: Any = None
) -> Enrollment:
    """Give ``user`` the course because ``reference`` paid for or granted it; idempotent.

    No payment, prerequisite or email check: the caller has decided. A live enrollment is
    kept, and takes the new reference unless it was held more strongly (a plan does not take
    over a purchase; a purchase does take over a plan or a free enrollment, so a refund of
    it finds it); a cancelled or suspended one is reactivated with its progress.
    ``cohort`` (an ``enrollments`` Cohort or None) is recorded when the model has one.
    """
    existing = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    if existing is None:
        enrollment = Enrollment(user=user, course=course, source=source, grant_reference=reference)
        _set_cohort(enrollment, cohort)
        try:
            with transaction.atomic():
                enrollment.save()
        except IntegrityError:
            return enrollment_grant(
                user=user, course=course, source=source, reference=reference, cohort=cohort
            )
        course_enrollment_count_change(course_id=course.pk, delta=+1)
        announce_enrollment_change(enrollment, active=True)
        logger.info("user %s granted course %s by %s", user.pk, course.pk, reference)
        return enrollment
    was_live = existing.status in _LIVE
    if was_live and _STRENGTH.get(source, 2) < _STRENGTH.get(existing.source, 2):
        return existing  # a plan does not take over a course bought or granted outright
    fields = ["source", "grant_reference"]
    existing.source, existing.grant_reference = source, reference
    if _set_cohort(existing, cohort):
        fields.append("cohort")
    if not was_live:
        existing.status = (
            Enrollment.Status.COMPLETED if existing.completed_at else Enrollment.Status.ACTIVE
        )
        existing.cancelled_at = None
        fields += ["status", "cancelled_at"]
    existing.save(update_fields=fields)
    if not was_live:
        course_enrollment_count_change(course_id=course.pk, delta=+1)
        announce_enrollment_change(existing, active=True)
    return existing


def _set_cohort(enrollment: Enrollment, cohort: Any) -> bool:
    if cohort is None or not hasattr(enrollment, "cohort_id"):
        return False
    setattr(enrollment, "cohort", cohort)  # noqa: B010 - a field only some versions have
    return True


@transaction.atomic
def enrollment_revoke(*, user: Any, course: Course, reference: str) -> Enrollment | None:
    """Take back the course that ``reference`` granted (a refunded order); idempotent.

    Only an enrollment still held by that reference is cancelled (progress kept): someone who
    bought the course again, or holds it through a plan now, keeps it. Returns the enrollment
    cancelled, or None when there was nothing to take back.
    """
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(user=user, course=course, grant_reference=reference, status__in=_LIVE)
        .first()
    )
    if enrollment is None:
        return None
    enrollment.status = Enrollment.Status.CANCELLED
    enrollment.cancelled_at = timezone.now()
    enrollment.save(update_fields=["status", "cancelled_at"])
    course_enrollment_count_change(course_id=course.pk, delta=-1)
    announce_enrollment_change(enrollment, active=False)
    return enrollment


@transaction.atomic
def access_pass_set(
    *,
    user: Any,
    reference: str,
    active: bool,
    title: str = "",
    all_courses: bool | None = None,
    course_ids: Iterable[int] | None = None,
) -> AccessPass:
    """Create or update the pass ``reference`` of ``user``; idempotent.

    Turning a pass off suspends the enrollments it granted (progress kept); turning it on
    again resumes them. ``all_courses``/``course_ids`` left as None keep what the pass had.
    """
    access, _created = AccessPass.objects.select_for_update().get_or_create(
        reference=reference,
        defaults={"user": user, "title": title, "all_courses": bool(all_courses)},
    )
    fields = []
    if title and access.title != title:
        access.title = title
        fields.append("title")
    if all_courses is not None and access.all_courses != all_courses:
        access.all_courses = all_courses
        fields.append("all_courses")
    was_active = access.is_active
    if access.is_active != active:
        access.is_active = active
        fields.append("is_active")
    if fields:
        access.save(update_fields=[*fields, "updated_at"])
    if course_ids is not None:
        access.courses.set(list(course_ids))
    if was_active and not active:
        _suspend(reference)
    elif active and (not was_active or _created):
        _resume(reference)
    return access


def _suspend(reference: str) -> None:
    held = list(
        Enrollment.objects.select_for_update().filter(
            grant_reference=f"pass:{reference}", status__in=_LIVE
        )
    )
    for enrollment in held:
        Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.SUSPENDED)
        course_enrollment_count_change(course_id=enrollment.course_id, delta=-1)
        announce_enrollment_change(enrollment, active=False)


def _resume(reference: str) -> None:
    held = list(
        Enrollment.objects.select_for_update().filter(
            grant_reference=f"pass:{reference}", status=Enrollment.Status.SUSPENDED
        )
    )
    for enrollment in held:
        status = (
            Enrollment.Status.COMPLETED if enrollment.completed_at else Enrollment.Status.ACTIVE
        )
        Enrollment.objects.filter(pk=enrollment.pk).update(status=status)
        course_enrollment_count_change(course_id=enrollment.course_id, delta=+1)
        announce_enrollment_change(enrollment, active=True)
