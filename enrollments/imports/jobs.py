"""The job kind ``enrollments.import`` (settings.KALPLA_JOB_KINDS): one enrollment import's
run. Its target is the EnrollmentImport; progress is on the import and in the job's result."""

from typing import Any

from django.core.exceptions import ValidationError

from enrollments.imports.services import enrollment_import_run
from enrollments.models import EnrollmentImport
from jobs.models import ProcessingJob


def enrollment_import_job(job: ProcessingJob) -> dict[str, Any]:
    enrollment_import = (
        EnrollmentImport.objects.select_related("created_by")
        .filter(pk=int(job.object_id or 0))
        .first()
    )
    if enrollment_import is None:
        raise ValidationError("The enrollment import no longer exists.")
    return enrollment_import_run(enrollment_import=enrollment_import)
