"""Telling students about new lessons: once per lesson, in chunks, never in a mentor's request.

``lessons_claim_for_announcement`` marks a published course's visible, never-announced lessons
as announced (under row locks, so two runs cannot both claim one); ``lesson_announce_to``
notifies one chunk of students (``courses.updated`` with a per-lesson dedupe key, so a chunk
delivered twice tells nobody twice). ``courses.tasks.lessons_announce_task`` ties them up.
"""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courses.models import Course, Lesson


def _dedupe_key(lesson_id: int) -> str:
    return f"courses.updated:lesson:{lesson_id}"


def lessons_to_announce(*, course_id: int) -> list[int]:
    """Ids of the course's visible lessons nobody was told about yet (published course)."""
    return list(
        Lesson.objects.visible()
        .filter(
            course_id=course_id,
            course__status=Course.Status.PUBLISHED,
            announced_at__isnull=True,
        )
        .order_by("module__order", "order", "id")
        .values_list("id", flat=True)
    )


def lesson_audience_ids(*, course_id: int) -> list[int]:
    """User ids of the course's live (active or completed) students."""
    from enrollments.selectors import course_student_ids  # enrollments owns who is enrolled

    return course_student_ids(course_id=course_id)


def lessons_claim_for_announcement(*, course_id: int, fan_out: Any) -> list[int]:
    """Claim the lessons to announce and hand each to ``fan_out(lesson_id, user_ids)``.

    Runs in one transaction: the claim (``announced_at``) commits only after every chunk was
    handed over, so a crash before that leaves the lessons to the next run (the dedupe key
    keeps students who were told already from hearing it again).
    """
    with transaction.atomic():
        ids = lessons_to_announce(course_id=course_id)
        claimed = list(
            Lesson.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, announced_at__isnull=True)
            .values_list("id", flat=True)
        )
        if not claimed:
            return []
        audience = lesson_audience_ids(course_id=course_id)
        for lesson_id in claimed:
            fan_out(lesson_id, audience)
        Lesson.objects.filter(pk__in=claimed).update(announced_at=timezone.now())
    return claimed


def lesson_announce_to(*, lesson_id: int, user_ids: list[int]) -> int:
    """Tell these students about the lesson (if still visible); returns how many were told."""
    from notifications.services.notify import notify  # avoids an import cycle at start-up

    lesson = (
        Lesson.objects.visible()
        .select_related("course")
        .filter(pk=lesson_id, course__status=Course.Status.PUBLISHED)
        .first()
    )
    if lesson is None or not user_ids:
        return 0
    course = lesson.course
    notes = notify(
        recipients=User.objects.filter(pk__in=user_ids, is_active=True),
        kind="courses.updated",
        context={
            "course_title": course.title,
            "course_slug": course.slug,
            "lesson_title": lesson.title,
            "lesson_id": lesson.pk,
        },
        url=reverse("courses:lesson", kwargs={"slug": course.slug, "lesson_id": lesson.pk}),
        dedupe_key=_dedupe_key(lesson.pk),
    )
    return len(notes)
