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

from jobs.kinds import job_batch_size, job_kind_exists
from jobs.models import ProcessingJob
from jobs.tasks import job_run_batch_task, job_run_task


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


def job_progress_record(*, job_id: int, done: int, total: int) -> None:
    """Record how far a running job got (``result["progress"]``, for people watching it) and
    that it is alive (``updated_at``: a long run is not taken for a dead worker's)."""
    ProcessingJob.objects.filter(pk=job_id, status=ProcessingJob.Status.RUNNING).update(
        result={"progress": {"done": done, "total": total}}, updated_at=timezone.now()
    )


def job_set_external_id(*, job: ProcessingJob, external_id: str) -> ProcessingJob:
    job.external_id = external_id
    ProcessingJob.objects.filter(pk=job.pk).update(external_id=external_id)
    return job


def _schedule(job: ProcessingJob) -> None:
    job_id = job.pk
    size = job_batch_size(job.kind)
    connection = transaction.get_connection()
    if size > 1 and connection.in_atomic_block:
        _outbox(connection, kind=job.kind, size=size).job_ids.append(job_id)
        return
    transaction.on_commit(lambda: job_run_task.delay(job_id=job_id))


class _Outbox:
    """The jobs of one batched kind enqueued in the current transaction, sent on commit."""

    def __init__(self, *, kind: str, size: int) -> None:
        self.kind = kind
        self.size = size
        self.job_ids: list[int] = []
        self.sent = False

    def __call__(self) -> None:
        self.sent = True
        for start in range(0, len(self.job_ids), self.size):
            batch = self.job_ids[start : start + self.size]
            if len(batch) == 1:
                job_run_task.delay(job_id=batch[0])
            else:
                job_run_batch_task.delay(job_ids=batch)


def _outbox(connection: Any, *, kind: str, size: int) -> _Outbox:
    """This transaction's outbox for ``kind``, registered with ``on_commit`` once.

    An outbox that was sent, or whose callback is no longer pending (its transaction or
    savepoint was rolled back), is replaced by a new one. Django keeps the pending callbacks in
    ``connection.run_on_commit``. A job added to an outbox inside a savepoint that is later
    rolled back no longer exists when its message arrives, and the worker skips it.
    """
    outboxes: dict[str, _Outbox] = connection.__dict__.setdefault("_kalpla_job_outboxes", {})
    outbox = outboxes.get(kind)
    if outbox is None or outbox.sent or not _pending(connection, outbox):
        outbox = outboxes[kind] = _Outbox(kind=kind, size=size)
        transaction.on_commit(outbox)
    return outbox


def _pending(connection: Any, callback: Any) -> bool:
    return any(func is callback for _sids, func, _robust in connection.run_on_commit)
