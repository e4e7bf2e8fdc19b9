"""Reads for the mentors' activity summary (``enrollments.activity``): reviews, and the
courses and active instructors to tell."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from courses.models import Course, Review

if TYPE_CHECKING:
    from accounts.models import User


def review_list_shown() -> QuerySet[Review]:
    """Reviews not hidden nor held by moderation (callers filter by time and group)."""
    return Review.objects.filter(is_hidden=False, is_held=False)


def course_in_bulk(*, course_ids: Iterable[int]) -> dict[int, Course]:
    return Course.objects.in_bulk(set(course_ids))


def course_active_instructors(*, course_ids: Iterable[int]) -> dict[int, list[User]]:
    """Each course's active instructors (one query); a course without any maps to []."""
    mentors: dict[int, list[User]] = defaultdict(list)
    through = Course.instructors.through.objects.filter(course_id__in=list(course_ids))
    for row in through.select_related("user"):
        if row.user.is_active:
            mentors[row.course_id].append(row.user)
    return mentors
