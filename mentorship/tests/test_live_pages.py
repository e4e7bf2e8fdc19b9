"""Live-class pages: list, schedule, the class page per role and state, and the actions."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory
from enrollments.tests.factories import EnrollmentFactory
from mentorship.models import LiveClass, LiveClassAttendance
from mentorship.tests.factories import LiveClassFactory

pytestmark = pytest.mark.django_db
SECRET = "sk_us-east-1_page-secret"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ivs_class(**extra) -> LiveClass:
    values = {
        "provider": "ivs",
        "channel_id": "arn:aws:ivs:us-east-1:1:channel/x",
        "ingest_url": "rtmps://ingest.test:443/app/",
        "stream_key": SECRET,
        "playback_url": "https://play.test/x.m3u8",
        **extra,
    }
    return LiveClassFactory(**values)


def test_live_class_page_stream_key_only_in_the_hosts_html():
    live = ivs_class()
    student = EnrollmentFactory(course=live.course).user
    staff = UserFactory(roles=("Admin",))
    page = client_for(live.host).get(f"/live/{live.pk}/").content.decode()
    assert SECRET in page and "Make a new stream key" in page
    for user in (student, staff):
        response = client_for(user).get(f"/live/{live.pk}/")
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
    live.status = LiveClass.Status.LIVE
    live.save()
    watching = client_for(student).get(f"/live/{live.pk}/").content.decode()
    assert SECRET not in watching and "play.test/x.m3u8" in watching


def test_live_class_page_is_404_for_outsiders_and_asks_anonymous_to_sign_in():
    live = LiveClassFactory()
    assert client_for(UserFactory()).get(f"/live/{live.pk}/").status_code == 404
    assert Client().get(f"/live/{live.pk}/").status_code == 302


def test_live_class_page_records_attendance_while_live_and_shows_the_viewer():
    live = LiveClassFactory(status="live", provider="local", started_at=timezone.now())
    student = EnrollmentFactory(course=live.course).user
    page = client_for(student).get(f"/live/{live.pk}/").content.decode()
    assert "data-live-viewer" in page and f"/ws/live/{live.pk}/" in page
    assert "Larger classes need the aws backend" in page
    assert LiveClassAttendance.objects.filter(live_class=live, user=student).exists()
    host_page = client_for(live.host).get(f"/live/{live.pk}/").content.decode()
    assert "Go live from this browser" in host_page
    assert not LiveClassAttendance.objects.filter(user=live.host).exists()


def test_live_class_page_countdown_before_and_recording_after():
    live = LiveClassFactory()
    student = EnrollmentFactory(course=live.course).user
    assert "data-countdown" in client_for(student).get(f"/live/{live.pk}/").content.decode()
    live.status, live.recording_url = "ended", "https://rec.test/1"
    live.save()
    page = client_for(student).get(f"/live/{live.pk}/").content.decode()
    assert "https://rec.test/1" in page and "Watch the recording" in page


def test_live_class_list_page_shows_mine_with_empty_states(django_assert_max_num_queries):
    student = UserFactory()
    empty = client_for(student).get("/live/").content.decode()
    assert "No live classes coming up" in empty
    course = CourseFactory()
    EnrollmentFactory(user=student, course=course)
    host = UserFactory(roles=("Mentor",))
    course.instructors.add(host)
    for n in range(6):
        LiveClassFactory(course=course, host=host, title=f"Class {n}")
    LiveClassFactory(title="Not mine")
    client = client_for(student)
    with django_assert_max_num_queries(14):
        page = client.get("/live/").content.decode()
    assert "Class 5" in page and "Not mine" not in page
    assert "Schedule a live class" in client_for(host).get("/live/").content.decode()


def test_live_class_new_page_schedules_and_shows_errors():
    host = UserFactory(roles=("Mentor",))
    course = CourseFactory(instructors=[host], title="Algorithms")
    client = client_for(host)
    form = client.get("/live/new/").content.decode()
    assert "Algorithms" in form
    bad = client.post("/live/new/", {"course": course.pk, "title": "", "duration_minutes": 5})
    assert bad.status_code == 400 and "field--error" in bad.content.decode()
    past = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(
        "/live/new/",
        {"course": course.pk, "title": "Late", "starts_at": past, "duration_minutes": 60},
    )
    assert bad.status_code == 400 and "Pick a start time in the future" in bad.content.decode()
    start = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    done = client.post(
        "/live/new/",
        {"course": course.pk, "title": "Graphs", "starts_at": start, "duration_minutes": 60},
    )
    live = LiveClass.objects.get(title="Graphs")
    assert done.status_code == 302 and done["Location"] == f"/live/{live.pk}/"
    # a mentor teaching nothing is told what to do first
    assert (
        "You teach no course yet"
        in client_for(UserFactory(roles=("Mentor",))).get("/live/new/").content.decode()
    )


def test_live_class_actions_start_end_cancel_and_recording():
    live = LiveClassFactory(starts_at=timezone.now() + timedelta(minutes=10), provider="local")
    host = client_for(live.host)
    student = client_for(EnrollmentFactory(course=live.course).user)
    assert student.post(f"/live/{live.pk}/start/").status_code == 403
    assert host.post(f"/live/{live.pk}/start/").status_code == 302
    live.refresh_from_db()
    assert live.status == "live"
    assert host.post(f"/live/{live.pk}/end/").status_code == 302
    live.refresh_from_db()
    assert live.status == "ended"
    bad = host.post(f"/live/{live.pk}/recording/", {"url": "nope"})
    assert bad.status_code == 400
    host.post(f"/live/{live.pk}/recording/", {"url": "https://rec.test/2"})
    live.refresh_from_db()
    assert live.recording_url == "https://rec.test/2"
    # cancelling an ended class is refused with a message, not an error page
    response = host.post(f"/live/{live.pk}/cancel/", follow=True)
    assert "Only a class that has not started can be cancelled" in response.content.decode()
    other = LiveClassFactory()
    confirm = client_for(other.host).get(f"/live/{other.pk}/cancel/").content.decode()
    assert "This cannot be undone" in confirm
    client_for(other.host).post(f"/live/{other.pk}/cancel/")
    other.refresh_from_db()
    assert other.status == "cancelled"


def test_live_class_edit_page_keeps_input_on_errors():
    live = LiveClassFactory()
    client = client_for(live.host)
    assert client.get(f"/live/{live.pk}/edit/").status_code == 200
    response = client.post(
        f"/live/{live.pk}/edit/", {"title": "Kept title", "starts_at": "", "duration_minutes": 60}
    )
    assert response.status_code == 400 and "Kept title" in response.content.decode()
    start = (timezone.localtime() + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        f"/live/{live.pk}/edit/", {"title": "New", "starts_at": start, "duration_minutes": 90}
    )
    live.refresh_from_db()
    assert live.title == "New" and live.duration_minutes == 90
    assert client_for(UserFactory()).get(f"/live/{live.pk}/edit/").status_code == 404
