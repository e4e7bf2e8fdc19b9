"""Job kinds and their handlers, named in ``settings.KALPLA_JOB_KINDS``::

    KALPLA_JOB_KINDS = {"courses.lesson_narration": "courses.jobs.lesson_narration_job", ...}

A handler lives in its app's ``jobs.py`` and is named by dotted path, so declaring a kind imports
nothing (no import cycles, no dependence on which app is ready first); the handler is imported
when its first job runs, and the system check ``jobs.E001`` fails at start-up when a path does
not name a function.

A handler receives the job (``job.target`` and ``job.params``), does the work idempotently
(running it twice must not duplicate outputs: write outputs under deterministic names or check
what already exists) and returns a JSON-able result. It raises TransientIntegrationError to be
retried with backoff, JobNotReady to poll again later, IntegrationError or ValidationError to
fail for good.

Kinds whose jobs are short and come in bulk (a course's certificates) name a batch size in
``settings.KALPLA_JOB_BATCH_SIZES``: jobs of such a kind enqueued in one transaction reach the
workers in messages of up to that many jobs, so Celery's per-message cost (broker round trip,
hand-over to the pool process, acknowledgement) is paid once per batch, not once per job. A
job enqueued outside a transaction goes alone, and so does every retry.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from jobs.models import ProcessingJob

Handler = Callable[["ProcessingJob"], dict[str, Any]]


def job_kinds() -> dict[str, str]:
    """Each job kind and the dotted path of its handler."""
    return dict(settings.KALPLA_JOB_KINDS)


def job_kind_exists(kind: str) -> bool:
    return kind in settings.KALPLA_JOB_KINDS


def job_handler_get(kind: str) -> Handler | None:
    path = settings.KALPLA_JOB_KINDS.get(kind)
    return import_string(path) if path is not None else None


def job_batch_size(kind: str) -> int:
    """How many jobs of ``kind`` may share one Celery message (1: each its own)."""
    return max(int(getattr(settings, "KALPLA_JOB_BATCH_SIZES", {}).get(kind, 1)), 1)
