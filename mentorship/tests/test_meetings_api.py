"""POST /api/v1/sessions/{session_id}/join/: join info for the two participants in the window."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from mentorship.tests.factories import MentorSessionFactory
from mentorship.tests.test_meetings_services import chime_stub  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def session_starting_in(minutes: float, **kwargs):
    start = timezone.now() + timedelta(minutes=minutes)
    return MentorSessionFactory(starts_at=start, ends_at=start + timedelta(minutes=30), **kwargs)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(session_id: int) -> str:
    return f"/api/v1/sessions/{session_id}/join/"


def test_sessions_join_api_gives_a_participant_join_info(settings):
    settings.KALPLA_WEBRTC_ICE_URLS = ["stun:stun.example.org:3478"]
    session = session_starting_in(5)
    response = client_for(session.mentee).post(url(session.pk))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "session_id",
        "provider",
        "meeting",
        "attendee",
        "ice_servers",
        "signalling_path",
        "page_url",
        "starts_at",
        "ends_at",
        "opens_at",
        "closes_at",
    }
    assert body["provider"] == "local" and body["session_id"] == session.pk
    assert body["signalling_path"] == f"/ws/meetings/{session.pk}/"
    assert body["page_url"] == f"http://testserver/mentoring/sessions/{session.pk}/meeting/"
    assert body["ice_servers"] == [{"urls": ["stun:stun.example.org:3478"]}]
    assert set(body["attendee"]) == {"AttendeeId", "ExternalUserId", "JoinToken"}
    assert body["starts_at"].endswith("Z") and body["opens_at"].endswith("Z")


def test_sessions_join_api_gives_both_sides_the_same_meeting():
    session = session_starting_in(0)
    mentor = client_for(session.mentor).post(url(session.pk)).json()
    mentee = client_for(session.mentee).post(url(session.pk)).json()
    assert mentor["meeting"] == mentee["meeting"]
    assert mentor["attendee"]["AttendeeId"] != mentee["attendee"]["AttendeeId"]


@pytest.mark.parametrize("who", ["stranger", "staff"])
def test_sessions_join_api_forbids_others(who):
    session = session_starting_in(0)
    response = client_for(UserFactory(is_staff=who == "staff")).post(url(session.pk))
    assert response.status_code == 403
    assert response.json()["code"] == "not_participant"


def test_sessions_join_api_outside_the_window_is_a_conflict_with_the_window():
    session = session_starting_in(120)
    response = client_for(session.mentor).post(url(session.pk))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "meeting_not_open" and "opens at" in body["message"]
    opens = session.starts_at - timedelta(minutes=10)
    assert body["opens_at"] == opens.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert body["closes_at"].endswith("Z")


def test_sessions_join_api_cancelled_session_is_a_conflict():
    session = session_starting_in(0, status="cancelled")
    response = client_for(session.mentee).post(url(session.pk))
    assert response.status_code == 409
    assert response.json()["code"] == "meeting_not_open"


def test_sessions_join_api_unknown_session_is_404():
    response = client_for(UserFactory()).post(url(999_999))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_sessions_join_api_needs_sign_in():
    session = session_starting_in(0)
    response = APIClient().post(url(session.pk))
    assert response.status_code == 401


def test_sessions_join_api_get_is_not_allowed():
    session = session_starting_in(0)
    assert client_for(session.mentor).get(url(session.pk)).status_code == 405


def test_sessions_join_api_when_the_provider_is_down_is_503(chime_stub):  # noqa: F811
    session = session_starting_in(0)
    chime_stub.add_client_error(
        "create_meeting", service_error_code="ServiceUnavailableException", http_status_code=503
    )
    response = client_for(session.mentee).post(url(session.pk))
    assert response.status_code == 503
    assert response.json()["code"] == "meeting_unavailable"
