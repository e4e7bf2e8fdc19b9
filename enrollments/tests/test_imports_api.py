"""The enrollment imports API: upload (multipart), status, error report; who may."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory
from enrollments.models import Enrollment, EnrollmentImport
from enrollments.tests.imports_helpers import csv_bytes

pytestmark = pytest.mark.django_db

URL = "/api/v1/enrollment-imports/"


@pytest.fixture
def mentor():
    mentor = UserFactory(roles=("Mentor",))
    CourseFactory(slug="python-basics", instructors=[mentor])
    return mentor


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _upload(client: APIClient, data: bytes, name: str = "people.csv"):
    return client.post(
        URL, {"file": SimpleUploadedFile(name, data, "text/csv")}, format="multipart"
    )


def test_upload_runs_the_import_and_status_shows_it(mentor, django_capture_on_commit_callbacks):
    client = _client(mentor)

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(
            client, csv_bytes("a@example.com,python-basics,,A", "bad,python-basics,,")
        )

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending" and body["total_rows"] == 2
    assert set(body) == {
        "id",
        "file_name",
        "status",
        "error",
        "total_rows",
        "processed_rows",
        "progress_percent",
        "counts",
        "uploaded_by",
        "error_report_url",
        "created_at",
        "started_at",
        "finished_at",
    }
    detail = client.get(f"{URL}{body['id']}/").json()
    assert detail["status"] == "succeeded"
    assert detail["progress_percent"] == 100
    assert detail["counts"] == {"enrolled": 1, "invited": 1, "skipped": 0, "failed": 1}
    assert detail["uploaded_by"]["id"] == mentor.pk
    assert detail["failed_rows"][0]["row"] == 2
    assert "not a valid email" in detail["failed_rows"][0]["error"]
    assert detail["error_report_url"].endswith(f"/api/v1/enrollment-imports/{body['id']}/errors/")

    report = client.get(detail["error_report_url"])
    assert report.status_code == 200
    assert report["Content-Type"].startswith("text/csv")
    assert 'filename="people-errors.csv"' in report["Content-Disposition"]
    lines = report.content.decode().strip().splitlines()
    assert lines[0] == "email,course,cohort,name,error"
    assert lines[1].startswith("bad,python-basics,,,")

    listed = client.get(URL).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]


def test_upload_of_a_file_that_cannot_be_imported_is_400_with_field_errors(mentor):
    response = _upload(_client(mentor), b"name,cohort\nA,B\n")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file"
    assert "missing: email, course" in body["errors"]["file"][0]
    assert not EnrollmentImport.objects.exists()


def test_upload_without_a_file_is_400(mentor):
    response = _client(mentor).post(URL, {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["errors"]


@pytest.mark.parametrize("roles", [("Student",), ("Moderator",)])
def test_students_and_moderators_get_403(roles):
    client = _client(UserFactory(roles=roles))

    assert _upload(client, csv_bytes("a@example.com,python-basics,,")).status_code == 403
    assert client.get(URL).status_code == 403
    assert not Enrollment.objects.exists()


def test_anonymous_gets_401():
    assert APIClient().get(URL).status_code == 401


def test_another_mentors_import_is_404_and_staff_see_it(mentor):
    response = _upload(_client(mentor), csv_bytes("a@example.com,python-basics,,"))
    import_id = response.json()["id"]

    other = _client(UserFactory(roles=("Mentor",)))
    assert other.get(f"{URL}{import_id}/").status_code == 404
    assert other.get(f"{URL}{import_id}/errors/").status_code == 404
    assert other.get(URL).json()["count"] == 0
    staff = _client(UserFactory(roles=("Admin",), is_staff=True))
    assert staff.get(f"{URL}{import_id}/").status_code == 200
    assert staff.get(URL).json()["count"] == 1


def test_list_queries_do_not_grow_with_imports(mentor, django_assert_max_num_queries):
    client = _client(mentor)
    for n in range(6):
        _upload(client, csv_bytes(f"p{n}@example.com,python-basics,,"))

    with django_assert_max_num_queries(8):
        response = client.get(URL)

    assert response.json()["count"] == 6
