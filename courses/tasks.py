"""Celery tasks of the courses app: thin; the rules live in courses.services."""

from typing import Any

from celery import shared_task

from courses.services.announcements import (
    courses_with_lessons_due,
    lesson_announce_to,
    lessons_claim_for_announcement,
)

# Tasks that may run again safely (they recompute, or dedupe what they send): acknowledged
# after they finish, retried with backoff on any error.
RETRYING: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}

# Students per notify() call: one chunk is one task, so a course with many students is told
# by several workers, and no single task holds a long transaction.
ANNOUNCE_CHUNK = 500


@shared_task(name="courses.lessons_announce", **RETRYING)
def lessons_announce_task(course_id: int) -> int:
    """Announce the course's newly visible lessons: one chunk task per lesson and chunk of its
    students (enrollments finds them, listening to ``lessons_became_visible``)."""
    return len(lessons_claim_for_announcement(course_id=course_id))


@shared_task(name="courses.lesson_announce_chunk", **RETRYING)
def lesson_announce_chunk_task(lesson_id: int, user_ids: list[int]) -> int:
    return lesson_announce_to(lesson_id=lesson_id, user_ids=user_ids)


@shared_task(name="courses.lessons_announce_due", **RETRYING)
def lessons_announce_due_task() -> int:
    """Beat: announce lessons whose release date has come (each course in a task of its own)."""
    course_ids = courses_with_lessons_due()
    for course_id in course_ids:
        lessons_announce_task.delay(course_id=course_id)
    return len(course_ids)


def lesson_announce_queue(*, lesson_id: int, user_ids: list[int]) -> None:
    """Tell these students about the lesson on Celery: one task per chunk of students, so a
    course with many is told by several workers and no task holds a long transaction."""
    for start in range(0, len(user_ids), ANNOUNCE_CHUNK):
        chunk = user_ids[start : start + ANNOUNCE_CHUNK]
        lesson_announce_chunk_task.delay(lesson_id=lesson_id, user_ids=chunk)
