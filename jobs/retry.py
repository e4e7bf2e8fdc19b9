"""The one retry policy of Celery tasks that record their attempts (jobs, notification sends).

Celery's ``autoretry_for`` / ``retry_backoff`` / ``max_retries`` cannot express two things
these tasks need: waiting on external work (a long transcription) without spending an attempt,
and retrying inline in eager mode (the embedded default, with ``task_eager_propagates``) where
Celery's autoretry raises its Retry into the caller. So the record (``ProcessingJob.attempts``,
``Delivery.attempts``) counts attempts, and this helper turns an error into Celery's own
``Task.retry`` with Celery's exponential backoff and full jitter, or into giving up.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import Task
from celery.utils.time import get_exponential_backoff_interval

from kalpla.integrations.base import JobNotReady, TransientIntegrationError


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_seconds: int = 2
    """Celery's ``retry_backoff`` factor: attempt n waits up to ``backoff_seconds * 2**n``."""
    backoff_max_seconds: int = 300
    """Celery's ``retry_backoff_max``."""

    def countdown(self, attempt: int) -> int:
        """Celery's exponential backoff with full jitter (``retry_jitter``) for ``attempt``."""
        return get_exponential_backoff_interval(
            factor=self.backoff_seconds,
            retries=attempt,
            maximum=self.backoff_max_seconds,
            full_jitter=True,
        )


def retry_countdown(
    *, exc: TransientIntegrationError, attempts: int, policy: RetryPolicy
) -> float | None:
    """Seconds until the next try after ``exc`` on attempt ``attempts``; None: give up.

    JobNotReady polls again after its ``retry_after`` (the caller has taken the attempt back);
    any other transient error is retried with backoff until the policy's maximum.
    """
    if isinstance(exc, JobNotReady):
        return exc.retry_after
    if attempts >= policy.max_attempts:
        return None
    return policy.countdown(attempts)


def give_up_message(*, exc: Exception, attempts: int) -> str:
    return f"Gave up after {attempts} attempts: {exc}"


def task_retry_or_give_up(
    task: Task,
    *,
    exc: TransientIntegrationError,
    attempts: int,
    policy: RetryPolicy,
    give_up: Callable[[str], object],
) -> Any:
    """Called by a bound task in its ``except TransientIntegrationError``.

    Retries after ``retry_countdown``; when that says to give up, ``give_up(error)`` records
    the failure and the task returns ``"failed"``.
    """
    countdown = retry_countdown(exc=exc, attempts=attempts, policy=policy)
    if countdown is None:
        give_up(give_up_message(exc=exc, attempts=attempts))
        return "failed"
    if task.request.is_eager:
        # Eager: hand the Retry back as the result so apply() re-runs the task inline instead
        # of raising it into the caller.
        return task.retry(exc=exc, countdown=countdown, throw=False)
    raise task.retry(exc=exc, countdown=countdown) from exc
