"""Background jobs with recorded status: enqueue once, run on Celery, retry what is transient.

Kinds and their handlers are named in settings.KALPLA_JOB_KINDS (jobs.kinds); running a job is
jobs.runs, called by ``jobs.tasks.job_run_task``, which retries with the policy of jobs.retry.
"""

import hashlib
import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from jobs.kinds import job_kind_exists
from jobs.models import ProcessingJob
from jobs.tasks import job_run_task


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
    if not job_kind_exists(kind):
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


def job_set_external_id(*, job: ProcessingJob, external_id: str) -> ProcessingJob:
    job.external_id = external_id
    ProcessingJob.objects.filter(pk=job.pk).update(external_id=external_id)
    return job


def _schedule(job: ProcessingJob) -> None:
    job_id = job.pk
    transaction.on_commit(lambda: job_run_task.delay(job_id=job_id))
