"""Who hears about a new lesson: the course's live students it is open to.

The courses app claims the lessons nobody was told about and sends ``lessons_became_visible``
(``courses.services.announcements``); this module answers with their students, and the drip
announcements find each student on the day a lesson opens for them, counted from their
enrolment. Telling them is the courses app's (``courses.tasks.lesson_announce_queue``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from courses.choices import LessonRelease
from courses.services.announcements import lessons_opening_after_days
from courses.tasks import lesson_announce_queue
from enrollments.selectors import course_student_ids

if TYPE_CHECKING:
    from courses.models import Lesson


def lesson_audience_ids(*, course_id: int, lesson: Lesson | None = None) -> list[int]:
    """User ids of the course's live (active or completed) students the lesson is open to:
    for a lesson that opens some days after enrolment, those who enrolled long enough ago;
    never students of a cohort that has not started (counted from its start)."""
    now = timezone.now()
    if lesson is not None and lesson.release == LessonRelease.AFTER_DAYS and lesson.release_days:
        opened_before = now - timedelta(days=lesson.release_days)
        return course_student_ids(course_id=course_id, enrolled_before=opened_before)
    return course_student_ids(course_id=course_id, enrolled_before=now)


def lessons_announce_to_students(*, course_id: int, lessons: Iterable[Lesson]) -> None:
    """Queue the announcement of each lesson to the students it is open to (the course's
    students are looked up once for all the lessons open from the start)."""
    everyone: list[int] | None = None
    for lesson in lessons:
        if lesson.release == LessonRelease.AFTER_DAYS and lesson.release_days:
            audience = lesson_audience_ids(course_id=course_id, lesson=lesson)
        else:
            if everyone is None:
                everyone = lesson_audience_ids(course_id=course_id)
            audience = everyone
        lesson_announce_queue(lesson_id=lesson.pk, user_ids=audience)


def drip_lessons_opened(*, until: datetime, window: timedelta) -> list[tuple[int, list[int]]]:
    """(lesson id, user ids) for lessons that opened for students in ``(until - window,
    until]``, counted from each enrolment: the lesson was announced already (to those it was
    open to then), and these students reached its day since. The window may overlap the last
    run's: the per-lesson dedupe key tells nobody twice."""
    opened: list[tuple[int, list[int]]] = []
    for lesson in lessons_opening_after_days():
        days = timedelta(days=lesson.release_days)
        user_ids = course_student_ids(
            course_id=lesson.course_id,
            enrolled_from=until - window - days,
            enrolled_before=until - days,
        )
        if user_ids:
            opened.append((lesson.pk, user_ids))
    return opened
