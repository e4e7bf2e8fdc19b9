from typing import Any

from django.core import checks
from django.utils.module_loading import import_string

from jobs.registry import job_kinds


@checks.register()
def job_kinds_have_handlers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every declared job kind names a function that can be imported (checked at start-up)."""
    errors: list[checks.CheckMessage] = []
    for kind, path in sorted(job_kinds().items()):
        try:
            handler = import_string(path)
        except ImportError as exc:
            errors.append(
                checks.Error(
                    f"Job kind {kind!r} has no handler: {path!r} cannot be imported ({exc}).",
                    hint="Point job_kinds_register() at a function in the app's jobs.py.",
                    id="jobs.E001",
                )
            )
            continue
        if not callable(handler):
            errors.append(
                checks.Error(
                    f"Job kind {kind!r} has no handler: {path!r} is not callable.",
                    id="jobs.E001",
                )
            )
    return errors
