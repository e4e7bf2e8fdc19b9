"""Demo data: a finished enrollment import by the demo mentor (enrollments/imports/), with
invited accounts and two rows that failed, so the import pages and the error report have
something to show. The sample file linked from the upload page
(static/samples/enrollment-import.csv) names other people: uploading it enrolls them."""

from typing import Any

from enrollments.imports.selectors import enrollment_import_list
from enrollments.imports.services import enrollment_import_create, enrollment_import_run

DEMO_FILE = "\n".join(
    [
        "email,course,cohort,name",
        "kavya.nair@example.com,python-basics,,Kavya Nair",
        "arjun.mehta@example.com,python-basics,,Arjun Mehta",
        "arjun.mehta@example.com,data-analysis-with-pandas,,Arjun Mehta",
        "not-an-email,python-basics,,Typo Row",
        "kavya.nair@example.com,python-basics,,Kavya Nair",
        "",
    ]
)


def seed_enrollment_imports(*, mentor: Any) -> int:
    """Once: the mentor's import of ``DEMO_FILE``, run now. Returns the imports made."""
    if mentor is None or enrollment_import_list(user=mentor).exists():
        return 0
    enrollment_import = enrollment_import_create(
        user=mentor, file_name="demo-new-learners.csv", data=DEMO_FILE.encode()
    )
    enrollment_import_run(enrollment_import=enrollment_import)
    return 1
