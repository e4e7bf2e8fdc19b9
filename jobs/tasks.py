from typing import Any

from celery import shared_task

from jobs.retry import task_retry_or_give_up
from jobs.runs import (
    JOB_RETRY,
    job_execute,
    job_fail,
    job_note_retry,
    job_note_waiting,
    job_start,
)
from kalpla.integrations.base import JobNotReady, TransientIntegrationError


# The task keeps its first name: messages queued before a deploy still find it.
@shared_task(bind=True, name="kalpla.job_run", acks_late=True, max_retries=None)
def job_run_task(self: Any, job_id: int) -> str:
    job = job_start(job_id=job_id)
    if job is None:
        return "already-finished"
    try:
        job = job_execute(job=job)
    except TransientIntegrationError as exc:
        if isinstance(exc, JobNotReady):
            # Waiting on an external service is not a failure: no attempt is spent.
            job_note_waiting(job=job, note=str(exc))
        elif job.attempts < JOB_RETRY.max_attempts:
            job_note_retry(job=job, error=str(exc))
        running = job
        return task_retry_or_give_up(
            self,
            exc=exc,
            attempts=running.attempts,
            policy=JOB_RETRY,
            give_up=lambda error: job_fail(job=running, error=error),
        )
    return str(job.status)
