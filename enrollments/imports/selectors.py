"""Reads of enrollment imports: the uploader's list, one import, and its error report."""

from __future__ import annotations

from typing import Any

import tablib
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.policies import user_is_staff
from enrollments.imports.parsing import csv_read
from enrollments.imports.policies import enrollment_import_can_view
from enrollments.models import EnrollmentImport
from jobs.models import ProcessingJob
from kalpla.exceptions import NotFound

# The row outcomes and the file are large: lists and status polls leave them in the database.
HEAVY_FIELDS = ("source", "errors", "skipped")


def enrollment_import_list(*, user: Any) -> QuerySet[EnrollmentImport]:
    """The imports ``user`` uploaded (staff: everyone's), newest first, without the file and
    the row outcomes."""
    imports = EnrollmentImport.objects.select_related("created_by", "job").defer(*HEAVY_FIELDS)
    if user_is_staff(user):
        return imports
    return imports.filter(created_by_id=user.pk)


def enrollment_import_get(*, user: Any, import_id: int, heavy: bool = False) -> EnrollmentImport:
    """One import its uploader (or staff) may see; NotFound for anyone else. ``heavy``: with
    the file and the row outcomes."""
    imports = EnrollmentImport.objects.select_related("created_by", "job")
    if not heavy:
        imports = imports.defer(*HEAVY_FIELDS)
    enrollment_import = imports.filter(pk=import_id).first()
    if enrollment_import is None or not enrollment_import_can_view(
        user=user, enrollment_import=enrollment_import
    ):
        raise NotFound(_("No such import."))
    return enrollment_import


def enrollment_import_state(enrollment_import: EnrollmentImport) -> tuple[str, str]:
    """``(status, error)`` as people should see them: an import whose job gave up is failed,
    with the job's error, though its own record never got to say so."""
    job = enrollment_import.job
    if (
        not enrollment_import.is_finished
        and job is not None
        and job.status == ProcessingJob.Status.FAILED
    ):
        return EnrollmentImport.Status.FAILED, job.error or _("The import stopped.")
    return enrollment_import.status, enrollment_import.error


def enrollment_import_error_report(*, enrollment_import: EnrollmentImport) -> tuple[str, str]:
    """The rows that failed, as uploaded plus an ``error`` column, as CSV: ``(file name,
    text)``. Fixing the rows in it and uploading it again imports just those."""
    parsed = csv_read(enrollment_import.source)
    errors = {item["row"]: item["error"] for item in enrollment_import.errors}
    report = tablib.Dataset(headers=[*parsed.headers, "error"])
    for row in parsed.rows:
        if row.number in errors:
            report.append([*row.values, errors[row.number]])
    stem = enrollment_import.file_name.rsplit(".", 1)[0] or "enrollments"
    return f"{stem}-errors.csv", report.export("csv")
