"""Celery tasks of the courses app: thin; the rules live in courses.services."""

from typing import Any

from celery import shared_task

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
    """Announce the course's newly visible lessons: one chunk task per lesson and chunk."""
    from courses.services.announcements import lessons_claim_for_announcement

    def fan_out(lesson_id: int, user_ids: list[int]) -> None:
        for start in range(0, len(user_ids), ANNOUNCE_CHUNK):
            chunk = user_ids[start : start + ANNOUNCE_CHUNK]
            lesson_announce_chunk_task.delay(lesson_id=lesson_id, user_ids=chunk)

    return len(lessons_claim_for_announcement(course_id=course_id, fan_out=fan_out))


@shared_task(name="courses.lesson_announce_chunk", **RETRYING)
def lesson_announce_chunk_task(lesson_id: int, user_ids: list[int]) -> int:
    from courses.services.announcements import lesson_announce_to

    return lesson_announce_to(lesson_id=lesson_id, user_ids=user_ids)
