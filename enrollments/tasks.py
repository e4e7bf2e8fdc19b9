"""Celery tasks of the enrollments app: thin; the rules live in enrollments.services."""

from datetime import timedelta

from celery import shared_task

from courses.tasks import RETRYING, lesson_announce_queue

# The imported enrollments' enrollment_changed, sent in the background: the task lives with
# the import service that queues it and is imported here for autodiscovery.
from enrollments.imports.services import enrollments_announce_task


@shared_task(name="enrollments.course_progress_refresh", **RETRYING)
def course_progress_refresh_task(course_id: int) -> int:
    """Idempotent: recomputes from the lessons and progress rows as they are when it runs."""
    from enrollments.services import course_progress_refresh

    return course_progress_refresh(course_id=course_id)


@shared_task(name="enrollments.activity_summary", acks_late=True)
def activity_summary_task() -> int:
    """Beat, hourly: new students and reviews per course and hour, to the course's mentors."""
    from enrollments.activity import course_activity_notify

    return course_activity_notify()


# How far back each beat run of the drip announcements looks: several runs' worth, so a
# missed run or a late worker loses nobody (the dedupe key tells nobody twice).
DRIP_WINDOW_HOURS = 6


# The task keeps the name it had in the courses app: beat entries and queued messages use it.
@shared_task(name="courses.drip_lessons_announce", **RETRYING)
def drip_lessons_announce_task() -> int:
    """Beat: tell students about lessons that opened for them, counted from their enrolment."""
    from django.utils import timezone

    from enrollments.announcements import drip_lessons_opened

    opened = drip_lessons_opened(until=timezone.now(), window=timedelta(hours=DRIP_WINDOW_HOURS))
    for lesson_id, user_ids in opened:
        lesson_announce_queue(lesson_id=lesson_id, user_ids=user_ids)
    return len(opened)


@shared_task(name="enrollments.waitlist_offers_expire", acks_late=True)
def waitlist_offers_expire_task() -> int:
    """Beat: seats held for a waitlist whose time ran out go to the next person in line
    (each cohort under its row lock: a redelivered run finds nothing left to do)."""
    from enrollments.cohorts.waitlist import waitlist_offers_expire

    return waitlist_offers_expire()


__all__ = [
    "activity_summary_task",
    "course_progress_refresh_task",
    "drip_lessons_announce_task",
    "enrollments_announce_task",
    "waitlist_offers_expire_task",
]
