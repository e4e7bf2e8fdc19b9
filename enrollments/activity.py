"""The mentors' activity summary: new students and new reviews, one notification per course
and hour (``courses.activity``), sent by Celery beat (``enrollments.activity_summary``).

Each run looks at the last ``LOOKBACK_HOURS`` complete hours, so a run that beat missed is
caught up by the next; a (course, hour) already summed up has a notification with its dedupe
key and is skipped, so runs that overlap or repeat send nothing twice.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses.models import Course, Review
from enrollments.models import Enrollment

LOOKBACK_HOURS = 6
LIVE = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


def _dedupe_key(course_id: int, hour: datetime) -> str:
    return f"courses.activity:{course_id}:{hour:%Y-%m-%dT%H}"


def _counts(
    model: type[Enrollment] | type[Review], since: datetime, until: datetime, **filters: Any
) -> dict[tuple[int, datetime], int]:
    """Rows created in [since, until) per (course id, hour)."""
    rows = (
        model.objects.filter(created_at__gte=since, created_at__lt=until, **filters)
        .annotate(hour=TruncHour("created_at", tzinfo=UTC))
        .values("course_id", "hour")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(row["course_id"], row["hour"]): row["n"] for row in rows}


def course_activity_notify(*, now: datetime | None = None) -> int:
    """Sum up the complete hours of the lookback window; returns the summaries sent."""
    from notifications.models import Notification
    from notifications.services.notify import notify

    now = now or timezone.now()
    until = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    since = until - timedelta(hours=LOOKBACK_HOURS)
    students = _counts(Enrollment, since, until, status__in=LIVE)
    reviews = _counts(Review, since, until, is_hidden=False)
    groups = sorted(set(students) | set(reviews), key=lambda group: (group[1], group[0]))
    if not groups:
        return 0
    keys = {group: _dedupe_key(*group) for group in groups}
    done = set(
        Notification.objects.filter(dedupe_key__in=keys.values()).values_list(
            "dedupe_key", flat=True
        )
    )
    todo = [group for group in groups if keys[group] not in done]
    courses = Course.objects.in_bulk({course_id for course_id, _hour in todo})
    mentors: dict[int, list[User]] = defaultdict(list)
    through = Course.instructors.through.objects.filter(course_id__in=courses)
    for row in through.select_related("user"):
        if row.user.is_active:
            mentors[row.course_id].append(row.user)
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
