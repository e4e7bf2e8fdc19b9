from typing import Any

from django.conf import settings
from django.core import checks

from jobs.kinds import job_kinds
from kalpla.checks import dotted_path_errors


@checks.register()
def job_kinds_have_handlers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every declared job kind names a function that can be imported (checked at start-up)."""
    errors: list[checks.CheckMessage] = []
    for kind, path in sorted(job_kinds().items()):
        errors += dotted_path_errors(
            path,
            what=f"Job kind {kind!r}",
            hint="Point KALPLA_JOB_KINDS at a function in the app's jobs.py.",
            id="jobs.E001",
        )
    for kind in sorted(getattr(settings, "KALPLA_JOB_BATCH_SIZES", {})):
        if kind not in job_kinds():
            errors.append(
                checks.Error(
                    f"KALPLA_JOB_BATCH_SIZES names {kind!r}, which is not a job kind.",
                    hint="Declare the kind in KALPLA_JOB_KINDS or remove its batch size.",
                    id="jobs.E002",
                )
            )
    return errors
