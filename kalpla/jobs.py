"""Background jobs with recorded status: enqueue once, run on Celery, retry what is transient.

Apps register a handler per job kind::

    @job_handler("courses.lesson_narration")
    def lesson_narration_job(job: ProcessingJob) -> dict: ...

A handler receives the job (``job.target`` and ``job.params``), does the work idempotently
(running it twice must not duplicate outputs: write outputs under deterministic names or check
what already exists) and returns a JSON-able result. It raises TransientIntegrationError to be
retried with backoff, IntegrationError or ValidationError to fail for good.
"""

import hashlib
import json
import logging
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from kalpla.integrations.base import (
    CapabilityUnavailable,
    IntegrationError,
    TransientIntegrationError,
)
from kalpla.models import ProcessingJob

logger = logging.getLogger(__name__)

Handler = Callable[[ProcessingJob], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}

MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 300.0


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        HANDLERS[kind] = func
        return func

    return register


def job_key(*, kind: str, target: models.Model | None, params: dict[str, Any]) -> str:
    target_part = f"{target._meta.label_lower}:{target.pk}" if target is not None else "-"
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()
    return f"{kind}:{target_part}:{digest[:24]}"


def job_enqueue(
    *,
    kind: str,
    target: models.Model | None = None,
    params: dict[str, Any] | None = None,
    key: str | None = None,
) -> ProcessingJob:
    """Create the job (or return the existing one for the same work) and queue it on commit."""
    if kind not in HANDLERS:
        raise ValueError(f"No handler registered for job kind {kind!r}.")
    params = params or {}
    key = key or job_key(kind=kind, target=target, params=params)
    defaults: dict[str, Any] = {"kind": kind, "params": params}
    if target is not None:
        defaults["content_type"] = ContentType.objects.get_for_model(target)
        defaults["object_id"] = str(target.pk)
    job, created = ProcessingJob.objects.get_or_create(key=key, defaults=defaults)
    if created:
        _schedule(job)
    return job


def job_rerun(*, job: ProcessingJob) -> ProcessingJob:
    """Run a job again from scratch (the admin's 'run again')."""
    ProcessingJob.objects.filter(pk=job.pk).update(
        status=ProcessingJob.Status.PENDING,
        attempts=0,
        error="",
        started_at=None,
        finished_at=None,
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    _schedule(job)
    return job


def _schedule(job: ProcessingJob) -> None:
    from kalpla.tasks import job_run_task

    job_id = job.pk
    transaction.on_commit(lambda: job_run_task.delay(job_id=job_id))


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
    return random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt))


def job_start(*, job_id: int) -> ProcessingJob | None:
    """Claim the job for a run; None when it is finished or running elsewhere right now.

    A job left RUNNING for longer than the task time limit belonged to a worker that died;
    its redelivered message runs it again.
    """
    with transaction.atomic():
        job = ProcessingJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return None
        stale_after = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        if (
            job.status == ProcessingJob.Status.RUNNING
            and job.updated_at > timezone.now() - stale_after
        ):
            return None
        job.status = ProcessingJob.Status.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["status", "attempts", "started_at", "updated_at"])
    return job


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


def job_set_external_id(*, job: ProcessingJob, external_id: str) -> ProcessingJob:
    job.external_id = external_id
    ProcessingJob.objects.filter(pk=job.pk).update(external_id=external_id)
    return job


def job_note_retry(*, job: ProcessingJob, error: str) -> ProcessingJob:
    job.status = ProcessingJob.Status.PENDING
    job.error = error[:4000]
    job.save(update_fields=["status", "error", "updated_at"])
    return job


def job_execute(*, job: ProcessingJob) -> ProcessingJob:
    """Run the handler; TransientIntegrationError propagates so the task can retry."""
    handler = HANDLERS.get(job.kind)
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
