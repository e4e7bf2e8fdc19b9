"""Telling students about new lessons: once per lesson, in chunks, never in a mentor's request,
and only once the lesson is open to them.

``lessons_claim_for_announcement`` marks a published course's visible, never-announced lessons
as announced (under row locks, so two runs cannot both claim one) and sends
``courses.signals.lessons_became_visible``: the enrollments app, which knows who is enrolled,
hands each lesson's students to ``courses.tasks.lesson_announce_queue``; ``lesson_announce_to`` notifies one
chunk of them (``courses.updated`` with a per-lesson dedupe key, so a chunk delivered twice
tells nobody twice). ``courses.tasks.lessons_announce_task`` runs the claim.

Lessons that open later wait: one released on a date is announced when the date comes
(``courses_with_lessons_due``, run by beat); one that opens some days after enrolment is
announced at publish only to students it is open to, and to each other student on the day it
opens for them (``lessons_opening_after_days``, whose students enrollments finds).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from courses.models import Course, Lesson
from courses.signals import lessons_became_visible

if TYPE_CHECKING:
    pass


def _dedupe_key(lesson_id: int) -> str:
    return f"courses.updated:lesson:{lesson_id}"


def _not_yet_released(now: datetime) -> Q:
    return Q(release=Lesson.Release.ON_DATE, release_date__gt=now)


def lessons_to_announce(*, course_id: int) -> list[int]:
    """Ids of the course's visible lessons nobody was told about yet (published course),
    leaving out those released on a date still to come."""
    return list(
        Lesson.objects.visible()
        .filter(
            course_id=course_id,
            course__status=Course.Status.PUBLISHED,
            announced_at__isnull=True,
        )
        .exclude(_not_yet_released(timezone.now()))
        .order_by("module__order", "order", "id")
        .values_list("id", flat=True)
    )


def courses_with_lessons_due() -> list[int]:
    """Published courses with a lesson whose release date has come and that nobody was told
    about yet (beat runs this; ``lessons_announce_task`` then announces them)."""
    return list(
        Lesson.objects.visible()
        .filter(
            course__status=Course.Status.PUBLISHED,
            announced_at__isnull=True,
            release=Lesson.Release.ON_DATE,
            release_date__lte=timezone.now(),
        )
        .order_by("course_id")
        .values_list("course_id", flat=True)
        .distinct()
    )


def lessons_claim_for_announcement(*, course_id: int) -> list[int]:
    """Claim the lessons to announce and send ``lessons_became_visible`` with them.

    Runs in one transaction: the claim (``announced_at``) commits only after the receivers
    handed every student over, so a crash before that leaves the lessons to the next run (the
    dedupe key keeps students who were told already from hearing it again).
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
        lessons = Lesson.objects.filter(pk__in=claimed).only("id", "release", "release_days")
        lessons_became_visible.send(
            sender=Course,
            course_id=course_id,
            lessons=sorted(lessons, key=lambda lesson: claimed.index(lesson.pk)),
        )
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
        recipients=get_user_model().objects.filter(pk__in=user_ids, is_active=True),
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


def lessons_opening_after_days() -> list[Lesson]:
    """Announced, visible lessons of published courses that open some days after each
    student's enrolment (``id``, ``course_id``, ``release_days`` loaded): the drip
    announcements tell each student on their own day."""
    return list(
        Lesson.objects.visible()
        .filter(
            course__status=Course.Status.PUBLISHED,
            announced_at__isnull=False,
            release=Lesson.Release.AFTER_DAYS,
            release_days__gt=0,
        )
        .only("id", "course_id", "release_days")
        .order_by("id")
    )
