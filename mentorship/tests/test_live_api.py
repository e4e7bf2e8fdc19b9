"""/api/v1/live-classes/: status, shape and permissions; the stream key for the host only."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory
from enrollments.tests.factories import EnrollmentFactory
from mentorship.models import LiveClass, LiveClassAttendance
from mentorship.tests.factories import LiveClassFactory

pytestmark = pytest.mark.django_db
SECRET = "local_sk_the-secret-key"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(live=None, action: str = "") -> str:
    if live is None:
        return "/api/v1/live-classes/"
    return f"/api/v1/live-classes/{live.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def live():
    return LiveClassFactory(
        provider="local",
        channel_id="local-1",
        ingest_url="rtmp://127.0.0.1/live",
        stream_key=SECRET,
        starts_at=timezone.now() + timedelta(minutes=5),
    )


def test_live_class_api_schedule_creates_and_answers_with_the_key():
    host = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[host])
    body = {
        "course": course.pk,
        "title": "Office hours",
        "starts_at": (timezone.now() + timedelta(days=2)).isoformat(),
        "duration_minutes": 30,
    }
    response = client_for(host).post(url(), body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "scheduled" and data["course"]["slug"] == course.slug
    assert data["stream_key"].startswith("local_sk_") and data["signalling_url"]
    assert data["starts_at"].endswith("Z")


def test_live_class_api_schedule_bad_input_is_400_with_field_errors():
    host = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[host])
    response = client_for(host).post(
        url(),
        {"course": course.pk, "title": "", "starts_at": "soon", "duration_minutes": 5},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"title", "starts_at", "duration_minutes"} <= set(errors)
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    response = client_for(host).post(
        url(), {"course": course.pk, "title": "x", "starts_at": past}, format="json"
    )
    assert response.status_code == 400 and "starts_at" in response.json()["errors"]


def test_live_class_api_schedule_refuses_other_mentors():
    course = CourseFactory()
    other = UserFactory(roles=("Mentor",))
    response = client_for(other).post(
        url(),
        {
            "course": course.pk,
            "title": "x",
            "starts_at": (timezone.now() + timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 403
    assert not LiveClass.objects.exists()
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    unknown = client_for(other).post(
        url(), {"course": 10**9, "title": "x", "starts_at": tomorrow}, format="json"
    )
    assert unknown.status_code == 404


def test_live_class_api_stream_key_only_for_the_host(live):
    student = EnrollmentFactory(course=live.course).user
    staff = UserFactory(roles=("Admin",))
    host_view = client_for(live.host).get(url(live)).json()
    assert host_view["stream_key"] == SECRET and host_view["ingest_url"]
    for user in (student, staff):
        response = client_for(user).get(url(live))
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
        assert "stream_key" not in response.json() and "ingest_url" not in response.json()
        listed = client_for(user).get(url()).content.decode()
        assert SECRET not in listed
    assert SECRET not in client_for(live.host).get(url()).content.decode()  # lists never
    # staff may rotate a leaked key, but the answer does not show it to them either
    rotated = client_for(staff).post(url(live, "stream-key"))
    assert rotated.status_code == 200 and "stream_key" not in rotated.json()


def test_live_class_api_outsiders_get_404(live):
    outsider = UserFactory()
    assert client_for(outsider).get(url(live)).status_code == 404
    assert client_for(outsider).post(url(live, "start")).status_code == 404
    assert APIClient().get(url(live)).status_code == 401


def test_live_class_api_list_is_mine_filtered_and_bounded(live, django_assert_max_num_queries):
    student = EnrollmentFactory(course=live.course).user
    for _ in range(5):
        LiveClassFactory(course=live.course, host=live.host)
    other_course = LiveClassFactory()  # not the student's
    ended = LiveClassFactory(course=live.course, host=live.host, status="ended")
    client = client_for(student)
    with django_assert_max_num_queries(8):
        data = client.get(url()).json()
    assert data["count"] == 7 and set(data) == {"count", "next", "previous", "results"}
    assert other_course.pk not in {row["id"] for row in data["results"]}
    assert client.get(url(), {"status": "ended"}).json()["results"][0]["id"] == ended.pk
    assert client.get(url(), {"course": live.course.pk}).json()["count"] == 7
    assert client.get(url(), {"course": other_course.course.pk}).json()["count"] == 0
    assert client.get(url(), {"status": "bogus"}).status_code == 400
    hosted = client_for(live.host).get(url()).json()
    assert hosted["count"] == 7


def test_live_class_api_lifecycle_start_attendance_end_recording(live):
    student = EnrollmentFactory(course=live.course).user
    host = client_for(live.host)
    assert client_for(student).post(url(live, "start")).status_code == 403
    response = host.post(url(live, "start"))
    assert response.status_code == 200 and response.json()["status"] == "live"
    assert host.post(url(live, "start")).status_code == 409
    LiveClassAttendance.objects.create(live_class=live, user=student)
    assert client_for(student).get(url(live, "attendance")).status_code == 403
    attendance = host.get(url(live, "attendance")).json()
    assert attendance["count"] == 1 and attendance["results"][0]["user"]["id"] == student.pk
    assert host.post(url(live, "recording"), {"url": "https://x.test/r"}).status_code == 409
    assert host.post(url(live, "end")).json()["status"] == "ended"
    bad = host.post(url(live, "recording"), {"url": "ftp://x.test/r"}, format="json")
    assert bad.status_code == 400 and "url" in bad.json()["errors"]
    done = host.post(url(live, "recording"), {"url": "https://x.test/r"}, format="json")
    assert done.status_code == 200 and done.json()["recording_url"] == "https://x.test/r"


def test_live_class_api_patch_and_cancel(live):
    host = client_for(live.host)
    later = timezone.now() + timedelta(days=3)
    response = host.patch(
        url(live), {"title": "Moved", "starts_at": later.isoformat()}, format="json"
    )
    assert response.status_code == 200 and response.json()["title"] == "Moved"
    assert host.patch(url(live), {"status": "live"}, format="json").status_code == 400
    student = EnrollmentFactory(course=live.course).user
    assert client_for(student).patch(url(live), {"title": "x"}).status_code == 403
    assert host.post(url(live, "cancel")).json()["status"] == "cancelled"
    assert host.post(url(live, "cancel")).status_code == 409
