"""The enrollment import pages: upload form, progress page with its self-updating part, the
error report download, and the admin's upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory
from enrollments.models import EnrollmentImport
from enrollments.tests.imports_helpers import csv_bytes, upload_and_run

pytestmark = pytest.mark.django_db

LIST = reverse("enrollments:import_list")


@pytest.fixture
def mentor():
    mentor = UserFactory(roles=("Mentor",))
    CourseFactory(slug="python-basics", title="Python basics", instructors=[mentor])
    return mentor


def _file(data: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "text/csv")


def test_upload_page_links_the_sample_file_and_shows_an_empty_state(client, mentor):
    client.force_login(mentor)

    response = client.get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "samples/enrollment-import" in html
    assert "No imports yet" in html


def test_sample_file_imports_cleanly_into_the_demo_courses(django_capture_on_commit_callbacks):
    """The sample linked from the upload page works on the demo data: every row enrolled."""
    from io import StringIO

    from django.contrib.staticfiles import finders
    from django.core.management import call_command

    call_command("seed_demo", "--force", stdout=StringIO())
    staff = UserFactory(roles=("Admin",), is_staff=True)
    with open(finders.find("samples/enrollment-import.csv"), "rb") as sample:
        data = sample.read()

    result = upload_and_run(django_capture_on_commit_callbacks, user=staff, data=data)

    assert result.failed_count == 0 and result.total_rows >= 4
    assert result.enrolled_count == result.total_rows


def test_upload_goes_to_the_progress_page_which_updates_until_done(
    client, mentor, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    # given: an upload whose job has not run yet (the page polls)
    response = client.post(LIST, {"file": _file(csv_bytes("a@example.com,python-basics,,"))})
    enrollment_import = EnrollmentImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "enrollments:import_detail", kwargs={"import_id": enrollment_import.pk}
    )
    page = client.get(response["Location"]).content.decode()
    status_url = reverse("enrollments:import_status", kwargs={"import_id": enrollment_import.pk})
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 2s"' in page
    assert "0 of 1 rows" in page

    # when: the job runs
    from enrollments.imports.services import enrollment_import_run

    enrollment_import_run(enrollment_import=enrollment_import)

    # then: the polled part says so and stops polling
    part = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in part
    assert "1 of 1 rows" in part and "Finished" in part


def test_upload_of_a_bad_file_shows_the_error_next_to_the_field(client, mentor):
    client.force_login(mentor)

    response = client.post(LIST, {"file": _file(b"name\nA\n")})

    assert response.status_code == 400
    assert "missing: email, course" in response.content.decode()
    assert not EnrollmentImport.objects.exists()


def test_error_report_download_and_errors_on_the_page(
    client, mentor, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            LIST, {"file": _file(csv_bytes("ok@example.com,python-basics,,", "x,python-basics,,"))}
        )
    enrollment_import = EnrollmentImport.objects.get()

    page = client.get(
        reverse("enrollments:import_detail", kwargs={"import_id": enrollment_import.pk})
    ).content.decode()
    report = client.get(
        reverse("enrollments:import_errors", kwargs={"import_id": enrollment_import.pk})
    )

    assert "“x” is not a valid email address." in page
    assert report["Content-Disposition"] == 'attachment; filename="people-errors.csv"'
    assert report.content.decode().splitlines()[1].startswith("x,python-basics,,,")


def test_students_get_403_and_other_mentors_404(client, mentor):
    client.force_login(mentor)
    client.post(LIST, {"file": _file(csv_bytes("a@example.com,python-basics,,"))})
    detail = reverse(
        "enrollments:import_detail", kwargs={"import_id": EnrollmentImport.objects.get().pk}
    )

    client.force_login(UserFactory(roles=("Student",)))
    assert client.get(LIST).status_code == 403
    assert client.get(detail).status_code == 403
    client.force_login(UserFactory(roles=("Mentor",)))
    assert client.get(detail).status_code == 404


def test_list_page_queries_do_not_grow_with_imports(client, mentor, django_assert_max_num_queries):
    client.force_login(mentor)
    for n in range(5):
        client.post(LIST, {"file": _file(csv_bytes(f"p{n}@example.com,python-basics,,"))})

    with django_assert_max_num_queries(12):
        response = client.get(LIST)

    assert response.content.decode().count("people.csv") == 5


def test_admin_upload_starts_an_import(client, django_capture_on_commit_callbacks):
    staff = UserFactory(roles=("Admin",), is_staff=True, is_superuser=True)
    CourseFactory(slug="python-basics")
    client.force_login(staff)
    add = reverse("admin:enrollments_enrollmentimport_add")

    assert client.get(add).status_code == 200
    bad = client.post(add, {"upload": _file(b"nothing,here\n1,2\n")})
    assert bad.status_code == 200 and "missing: email, course" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add, {"upload": _file(csv_bytes("a@example.com,python-basics,,"))})

    enrollment_import = EnrollmentImport.objects.get()
    assert response.status_code == 302
    assert enrollment_import.created_by == staff
    assert client.get(reverse("admin:enrollments_enrollmentimport_changelist")).status_code == 200
    change = client.get(
        reverse("admin:enrollments_enrollmentimport_change", args=[enrollment_import.pk])
    )
    assert change.status_code == 200
    assert "100%" in change.content.decode()
