"""Telling students their assignment grades were released (``notify()``, the one message
path), run on Celery in chunks by ``grades_release``."""

from django.urls import reverse

from notifications.services.notify import notify

from ..models import Submission


def grade_released_notify(*, submission_ids: list[int]) -> int:
    """One notice per released submission (deduplicated per submission). Returns how many."""
    rows = Submission.objects.filter(
        pk__in=submission_ids, released_at__isnull=False
    ).select_related("student", "assignment__lesson", "assignment__course")
    sent = 0
    for s in rows:
        assignment = s.assignment
        lesson = assignment.lesson
        notify(
            recipients=[s.student],
            kind="assessments.grade_released",
            context={
                "lesson_title": lesson.title,
                "course_title": assignment.course.title,
                "score": str(s.final_score),
                "points": str(assignment.points),
            },
            url=reverse("assessments:assignment", args=[lesson.pk]),
            dedupe_key=f"grade-released:{s.pk}",
        )
        sent += 1
    return sent
