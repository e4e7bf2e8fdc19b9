"""Helpers of the enrollment import tests: CSV files, and an upload run as the site runs it
(the job queued on commit, Celery eager)."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrollments.imports.services import enrollment_import_create
from enrollments.models import EnrollmentImport

HEADER = "email,course,cohort,name"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def upload_and_run(
    capture: Any, *, user: Any, data: bytes, file_name: str = "people.csv"
) -> EnrollmentImport:
    """``capture``: pytest-django's ``django_capture_on_commit_callbacks``."""
    with capture(execute=True):
        enrollment_import = enrollment_import_create(user=user, file_name=file_name, data=data)
    enrollment_import.refresh_from_db()
    return enrollment_import


def count_queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)
