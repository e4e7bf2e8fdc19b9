"""The mentors' activity summary: new students and new reviews, one notification per course
and hour (``courses.activity``), sent by Celery beat (``enrollments.activity_summary``).

Each run looks at the last ``LOOKBACK_HOURS`` complete hours, so a run that beat missed is
caught up by the next; a (course, hour) already summed up has a notification with its dedupe
key and is skipped, so runs that overlap or repeat send nothing twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone

from courses.selectors.activity import (
    course_active_instructors,
    course_in_bulk,
    review_list_shown,
)
from enrollments.models import Enrollment
from notifications.selectors import notification_dedupe_keys_used

LOOKBACK_HOURS = 6
LIVE = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


def _dedupe_key(course_id: int, hour: datetime) -> str:
    return f"courses.activity:{course_id}:{hour:%Y-%m-%dT%H}"


def _counts(
    rows: QuerySet[Any], since: datetime, until: datetime
) -> dict[tuple[int, datetime], int]:
    """Rows created in [since, until) per (course id, hour)."""
    rows = (
        rows.filter(created_at__gte=since, created_at__lt=until)
        .annotate(hour=TruncHour("created_at", tzinfo=UTC))
        .values("course_id", "hour")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(row["course_id"], row["hour"]): row["n"] for row in rows}


def course_activity_notify(*, now: datetime | None = None) -> int:
    """Sum up the complete hours of the lookback window; returns the summaries sent."""
    from notifications.services.notify import notify

    now = now or timezone.now()
    until = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    since = until - timedelta(hours=LOOKBACK_HOURS)
    students = _counts(Enrollment.objects.filter(status__in=LIVE), since, until)
    reviews = _counts(review_list_shown(), since, until)
    groups = sorted(set(students) | set(reviews), key=lambda group: (group[1], group[0]))
    if not groups:
        return 0
    keys = {group: _dedupe_key(*group) for group in groups}
    done = notification_dedupe_keys_used(keys=keys.values())
    todo = [group for group in groups if keys[group] not in done]
    courses = course_in_bulk(course_ids={course_id for course_id, _hour in todo})
    mentors = course_active_instructors(course_ids=courses)
    sent = 0
    for group in todo:
        course = courses.get(group[0])
        if course is None or not mentors[course.pk]:
            continue
        notify(
            recipients=mentors[course.pk],
            kind="courses.activity",
            context={
                "course_title": course.title,
                "course_slug": course.slug,
                "students": students.get(group, 0),
                "reviews": reviews.get(group, 0),
                "hour": group[1].isoformat(),
            },
            url=reverse("courses:detail", kwargs={"slug": course.slug}),
            dedupe_key=keys[group],
        )
        sent += 1
    return sent
