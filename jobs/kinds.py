"""Job kinds and their handlers, declared by each app in its AppConfig.ready::

    job_kinds_register({"courses.lesson_narration": "courses.jobs.lesson_narration_job"})

A handler lives in its app's ``jobs.py`` and is named by dotted path, so declaring a kind imports
nothing (no import cycles at start-up); the handler is imported when its first job runs, and
the system check ``jobs.E001`` fails at start-up when a path does not name a function.

A handler receives the job (``job.target`` and ``job.params``), does the work idempotently
(running it twice must not duplicate outputs: write outputs under deterministic names or check
what already exists) and returns a JSON-able result. It raises TransientIntegrationError to be
retried with backoff, JobNotReady to poll again later, IntegrationError or ValidationError to
fail for good.
"""

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from jobs.models import ProcessingJob

Handler = Callable[["ProcessingJob"], dict[str, Any]]

_KINDS: dict[str, str] = {}


def job_kinds_register(handlers: Mapping[str, str]) -> None:
    """Declare job kinds with the dotted paths of their handlers."""
    _KINDS.update(handlers)


def job_kinds() -> dict[str, str]:
    return dict(_KINDS)


def job_kind_exists(kind: str) -> bool:
    return kind in _KINDS


def job_handler_get(kind: str) -> Handler | None:
    path = _KINDS.get(kind)
    return import_string(path) if path is not None else None
