"""seed_demo's enrollment import: the mentor's finished import with invited accounts and
failed rows, made once."""

from io import StringIO

import pytest
from django.core.management import call_command

from enrollments.models import Enrollment, EnrollmentImport

pytestmark = pytest.mark.django_db


def test_seed_demo_has_the_mentors_enrollment_import_once(django_user_model):
    for _run in range(2):
        call_command("seed_demo", "--force", stdout=StringIO())

    enrollment_import = EnrollmentImport.objects.get()
    assert enrollment_import.created_by.email == "mentor@example.com"
    assert enrollment_import.status == EnrollmentImport.Status.SUCCEEDED
    assert (enrollment_import.enrolled_count, enrollment_import.failed_count) == (3, 2)
    invited = django_user_model.objects.get(email="arjun.mehta@example.com")
    assert not invited.has_usable_password()
    assert Enrollment.objects.filter(user=invited, source=Enrollment.Source.IMPORT).count() == 2
