"""Celery tasks of the enrollments app: thin; the rules live in enrollments.services."""

from celery import shared_task

from courses.tasks import RETRYING


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
