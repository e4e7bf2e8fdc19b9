"""One run of a job, step by step, as jobs.tasks.job_run_task drives it."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jobs.kinds import job_handler_get
from jobs.models import ProcessingJob
from jobs.retry import RetryPolicy
from kalpla.integrations.base import (
    CapabilityUnavailable,
    IntegrationError,
    TransientIntegrationError,
)

JOB_RETRY = RetryPolicy(max_attempts=5, backoff_seconds=2, backoff_max_seconds=300)


def job_start(*, job_id: int) -> ProcessingJob | None:
    """Claim the job for a run; None when it is finished or running elsewhere right now.

    A job left RUNNING for longer than the task time limit belonged to a worker that died;
    its redelivered message runs it again. One conditional UPDATE claims it (two deliveries at
    once: the second waits for the first's row lock, finds the job running and claims
    nothing), then the claimed job is read: two statements, where a locking read, an update
    and a commit took three round trips and a transaction.
    """
    claimed = jobs_start(job_ids=[job_id])
    return claimed[0] if claimed else None


def jobs_start(*, job_ids: list[int]) -> list[ProcessingJob]:
    """``job_start`` for several jobs at once (a batch): the ones claimed, in ``job_ids``'
    order, still two statements whatever their number."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    Status = ProcessingJob.Status
    claimable = (
        ProcessingJob.objects.filter(pk__in=job_ids)
        .exclude(status__in=(Status.SUCCEEDED, Status.FAILED))
        .exclude(status=Status.RUNNING, updated_at__gt=stale_before)
    )
    # The claim is the UPDATE: rows it changed are RUNNING with this run's start time.
    if not claimable.update(
        status=Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=Coalesce("started_at", Value(now, output_field=DateTimeField())),
        updated_at=now,
    ):
        return []
    claimed = ProcessingJob.objects.in_bulk(job_ids)
    return [
        claimed[job_id]
        for job_id in job_ids
        if job_id in claimed
        and claimed[job_id].status == Status.RUNNING
        and claimed[job_id].updated_at == now
    ]


def jobs_release(*, jobs: list[ProcessingJob]) -> None:
    """Hand claimed jobs that were not run back as pending, their attempt returned."""
    ProcessingJob.objects.filter(
        pk__in=[job.pk for job in jobs], status=ProcessingJob.Status.RUNNING
    ).update(
        status=ProcessingJob.Status.PENDING,
        attempts=F("attempts") - 1,
        updated_at=timezone.now(),
    )


def jobs_stale_ids() -> list[int]:
    """Jobs left RUNNING past the task time limit: their worker died mid-run (a redelivered
    message that came while they still looked alive skipped them)."""
    stale_before = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return list(
        ProcessingJob.objects.filter(
            status=ProcessingJob.Status.RUNNING, updated_at__lt=stale_before
        ).values_list("pk", flat=True)[:1000]
    )


def job_succeed(*, job: ProcessingJob, result: dict[str, Any]) -> ProcessingJob:
    job.status = ProcessingJob.Status.SUCCEEDED
    job.result = result
    job.error = ""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "error", "finished_at", "updated_at"])
    return job


def job_fail(
    *, job: ProcessingJob, error: str, result: dict[str, Any] | None = None
) -> ProcessingJob:
    job.status = ProcessingJob.Status.FAILED
    job.error = error[:4000]
    if result is not None:
        job.result = result
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "result", "finished_at", "updated_at"])
    return job


def job_note_waiting(*, job: ProcessingJob, note: str) -> ProcessingJob:
    """Back to pending without spending an attempt (the run did not fail)."""
    job.status = ProcessingJob.Status.PENDING
    job.attempts = max(job.attempts - 1, 0)
    job.error = ""
    job.result = {**job.result, "waiting": note[:500]}
    job.save(update_fields=["status", "attempts", "error", "result", "updated_at"])
    return job


def job_note_retry(*, job: ProcessingJob, error: str) -> ProcessingJob:
    job.status = ProcessingJob.Status.PENDING
    job.error = error[:4000]
    job.save(update_fields=["status", "error", "updated_at"])
    return job


def job_execute(*, job: ProcessingJob) -> ProcessingJob:
    """Run the handler; TransientIntegrationError propagates so the task can retry."""
    handler = job_handler_get(job.kind)
    if handler is None:
        return job_fail(job=job, error=f"No handler for {job.kind}.")
    try:
        result = handler(job)
    except CapabilityUnavailable as exc:
        return job_fail(job=job, error=str(exc), result={"unavailable": True, "reason": str(exc)})
    except ValidationError as exc:
        return job_fail(job=job, error="; ".join(exc.messages))
    except TransientIntegrationError:
        raise
    except IntegrationError as exc:
        return job_fail(job=job, error=str(exc))
    return job_succeed(job=job, result=result or {})
