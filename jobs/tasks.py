from typing import Any

from celery import shared_task
from django.db import transaction

from jobs.models import ProcessingJob
from jobs.retry import give_up_message, retry_countdown, task_retry_or_give_up
from jobs.runs import (
    JOB_RETRY,
    job_execute,
    job_fail,
    job_note_retry,
    job_note_waiting,
    job_start,
    jobs_release,
    jobs_stale_ids,
    jobs_start,
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


@shared_task(name="jobs.run_batch", acks_late=True)
def job_run_batch_task(job_ids: list[int]) -> dict[str, int]:
    """Run several short jobs of one kind from one message (jobs.kinds: batch sizes).

    The batch's jobs are claimed together (two statements), then each is run and recorded on
    its own, as ``job_run_task`` does. One that hits a transient error is queued for
    ``job_run_task`` to retry alone after the usual backoff, so it does not hold up the rest.
    Should the batch break off (a time limit, a bug), the jobs it had not reached are released
    and queued one by one; jobs claimed by a worker that died are run again by
    ``jobs_requeue_stale_task``.
    """
    claimed = jobs_start(job_ids=job_ids)
    outcome = {"succeeded": 0, "failed": 0, "skipped": len(job_ids) - len(claimed), "retrying": 0}
    for position, job in enumerate(claimed):
        try:
            outcome[_run_in_batch(job)] += 1
        except BaseException:
            rest = claimed[position + 1 :]
            jobs_release(jobs=rest)
            for later in rest:
                job_run_task.delay(job_id=later.pk)
            raise
    return outcome


@shared_task(name="jobs.requeue_stale")
def jobs_requeue_stale_task() -> int:
    """Run again the jobs whose worker died mid-run (beat, every few minutes)."""
    stale = jobs_stale_ids()
    for job_id in stale:
        job_run_task.delay(job_id=job_id)
    return len(stale)


def _run_in_batch(job: ProcessingJob) -> str:
    job_id = job.pk
    try:
        # A short job's writes and its outcome in one transaction: one commit (one wait for
        # the database's disk) per job instead of one per statement.
        with transaction.atomic():
            job = job_execute(job=job)
    except TransientIntegrationError as exc:
        # Retried alone, by job_run_task, after the policy's wait: the batch goes on.
        countdown = retry_countdown(exc=exc, attempts=job.attempts, policy=JOB_RETRY)
        if countdown is None:
            job_fail(job=job, error=give_up_message(exc=exc, attempts=job.attempts))
            return "failed"
        if isinstance(exc, JobNotReady):
            job_note_waiting(job=job, note=str(exc))
        else:
            job_note_retry(job=job, error=str(exc))
        job_run_task.apply_async(kwargs={"job_id": job_id}, countdown=countdown)
        return "retrying"
    return "succeeded" if job.status == job.Status.SUCCEEDED else "failed"
