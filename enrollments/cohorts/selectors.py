"""Reads of cohorts and waitlists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from enrollments.models import Cohort, Enrollment

if TYPE_CHECKING:
    from courses.models import Course

LIVE_STATUSES = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


def cohort_find(*, course: Course, name: str) -> Cohort | None:
    """The course's cohort named ``name`` (case and surrounding spaces ignored), archived
    ones included; None when there is none. One query. For imports that name cohorts."""
    name = (name or "").strip()
    if not name:
        return None
    return Cohort.objects.filter(course_id=course.pk, name__iexact=name).first()
