from typing import Any

from celery import shared_task

from kalpla.integrations.base import JobNotReady, TransientIntegrationError


@shared_task(name="kalpla.ping")
def ping_task() -> str:
    """Round trip through the broker and a worker; used by readiness probes and tests."""
    return "pong"


@shared_task(bind=True, name="kalpla.job_run", acks_late=True, max_retries=None)
def job_run_task(self: Any, job_id: int) -> str:
    from kalpla import jobs

    job = jobs.job_start(job_id=job_id)
    if job is None:
        return "already-finished"
    try:
        job = jobs.job_execute(job=job)
    except JobNotReady as exc:
        # Waiting on an external service (e.g. a long transcription) is not a failure:
        # poll again later without using up an attempt.
        jobs.job_note_waiting(job=job, note=str(exc))
        if self.request.is_eager:
            return self.retry(exc=exc, countdown=exc.retry_after, throw=False)
        raise self.retry(exc=exc, countdown=exc.retry_after) from exc
    except TransientIntegrationError as exc:
        if job.attempts >= jobs.MAX_ATTEMPTS:
            jobs.job_fail(job=job, error=f"Gave up after {job.attempts} attempts: {exc}")
            return "failed"
        jobs.job_note_retry(job=job, error=str(exc))
        countdown = jobs.backoff_seconds(job.attempts)
        if self.request.is_eager:
            # Eager (embedded default): hand the Retry back as the result so apply() re-runs
            # the task inline instead of raising it into the caller.
            return self.retry(exc=exc, countdown=countdown, throw=False)
        raise self.retry(exc=exc, countdown=countdown) from exc
    return str(job.status)
