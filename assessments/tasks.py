"""Celery tasks of the assessments app (the grading worker): thin; the rules live in services.

Grading tasks are acknowledged late and rejected when their worker dies, so a worker killed
mid-grading leaves the task to be delivered again; ``attempt_grade`` grades an attempt once.
"""

from datetime import datetime
from typing import Any

from celery import shared_task
from django.db import OperationalError

from .selectors import attempts_overdue_ids
from .services.badges import badges_award_for_certificate
from .services.gradebook import course_grades_recompute, grades_due_sweep
from .services.grading import attempt_expire_and_grade, attempt_grade
from .services.release_notices import grade_released_notify

EXACTLY_ONCE: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="assessments.attempt_grade", **EXACTLY_ONCE)
def attempt_grade_task(attempt_id: int) -> bool:
    return attempt_grade(attempt_id=attempt_id)


@shared_task(name="assessments.attempt_expire", **EXACTLY_ONCE)
def attempt_expire_task(attempt_id: int) -> bool:
    return attempt_expire_and_grade(attempt_id=attempt_id)


@shared_task(name="assessments.attempts_expire_overdue", **EXACTLY_ONCE)
def attempts_expire_overdue_task() -> int:
    """Beat: submit open attempts past their deadline whose own deadline job was lost."""
    ids = attempts_overdue_ids()
    for attempt_id in ids:
        attempt_expire_task.delay(attempt_id=attempt_id)
    return len(ids)


RETRIED: dict[str, Any] = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="assessments.course_grades_refresh", **RETRIED)
def course_grades_refresh_task(course_id: int, item_id: int | None = None) -> None:
    """A large course's totals after its gradebook rules changed (idempotent)."""
    course_grades_recompute(course_id=course_id, item_id=item_id)


@shared_task(name="assessments.grades_due_sweep", **RETRIED)
def grades_due_sweep_task() -> int:
    """Beat: missing work counts as 0 once its due date has passed."""
    return grades_due_sweep()


@shared_task(name="assessments.grade_released_notify", **RETRIED)
def grade_released_notify_task(submission_ids: list[int]) -> int:
    return grade_released_notify(submission_ids=submission_ids)


def attempt_grade_queue(*, attempt_id: int) -> None:
    attempt_grade_task.delay(attempt_id=attempt_id)


def attempt_expire_at(*, attempt_id: int, at: datetime) -> None:
    """Submit the attempt at its deadline, whether or not the student is still there."""
    attempt_expire_task.apply_async(kwargs={"attempt_id": attempt_id}, eta=at)


@shared_task(
    name="assessments.badges_award_for_certificate",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def badges_award_for_certificate_task(certificate_id: int) -> int:
    """Award the badges a new certificate earns (idempotent: each badge once per learner)."""
    return len(badges_award_for_certificate(certificate_id=certificate_id))
