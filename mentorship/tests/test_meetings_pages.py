"""The meeting page (/mentoring/sessions/<id>/meeting/) and the session page's "Join" part."""

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from mentorship.pages import SESSION_PAGE_PARTS, session_page_context
from mentorship.tests.factories import MentorSessionFactory
from mentorship.tests.test_meetings_services import (  # noqa: F401 (a fixture)
    MEETING_ID,
    chime_attendee,
    chime_meeting,
    chime_stub,
)
from mentorship.views_meetings import join_part, join_state

pytestmark = pytest.mark.django_db


def session_starting_in(minutes: float, **kwargs):
    start = timezone.now() + timedelta(minutes=minutes)
    return MentorSessionFactory(starts_at=start, ends_at=start + timedelta(minutes=30), **kwargs)


def page(session) -> str:
    return f"/mentoring/sessions/{session.pk}/meeting/"


def config_of(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="meeting-config" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_meeting_page_shows_the_call_to_a_participant(client, django_assert_max_num_queries):
    session = session_starting_in(5)
    client.force_login(session.mentee)
    with django_assert_max_num_queries(14):
        response = client.get(page(session))
    assert response.status_code == 200
    html = response.content.decode()
    assert "js/meeting.js" in html and "amazon-chime-sdk" not in html
    assert "data-local-video" in html and 'data-action="mute"' in html
    config = config_of(response)
    assert config["provider"] == "local"
    assert config["signallingPath"] == f"/ws/meetings/{session.pk}/"
    assert config["iceServers"] == []
    assert config["attendee"]["ExternalUserId"] == f"user-{session.mentee_id}"


def test_meeting_page_with_aws_loads_the_chime_sdk(client, chime_stub):  # noqa: F811
    session = session_starting_in(0)
    external = f"session-{session.pk}-{session.ical_uid}".replace("@", "-")
    chime_stub.add_response("create_meeting", chime_meeting(external))
    chime_stub.add_response("create_attendee", chime_attendee(session.mentor_id, 1))
    client.force_login(session.mentor)
    response = client.get(page(session))
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/amazon-chime-sdk/amazon-chime-sdk.min.js" in html
    assert "js/meeting-chime.js" in html and "js/meeting.js" not in html
    config = config_of(response)
    assert config["meeting"]["Meeting"]["MeetingId"] == MEETING_ID
    assert config["attendee"]["JoinToken"].startswith("token-1")


def test_meeting_page_before_the_window_says_when_it_opens_and_refreshes(client, settings):
    session = session_starting_in(60)
    session.mentor.timezone = "Asia/Kolkata"
    session.mentor.save()
    client.force_login(session.mentor)
    response = client.get(page(session))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="60">' in html
    opens = timezone.localtime(
        session.starts_at - timedelta(minutes=10), timezone=ZoneInfo("Asia/Kolkata")
    )
    assert "The meeting opens at" in html and opens.strftime("%H:%M IST") in html
    assert "js/meeting.js" not in html


def test_meeting_page_after_the_window_says_it_closed(client):
    session = session_starting_in(-120)
    client.force_login(session.mentee)
    response = client.get(page(session))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The meeting closed at" in html and "http-equiv" not in html


def test_meeting_page_of_a_cancelled_session_says_so(client):
    session = session_starting_in(0, status="cancelled")
    client.force_login(session.mentee)
    response = client.get(page(session))
    assert response.status_code == 200
    assert "cancelled" in response.content.decode()


@pytest.mark.parametrize("who", ["stranger", "staff"])
def test_meeting_page_forbids_others(client, who):
    session = session_starting_in(0)
    client.force_login(UserFactory(is_staff=who == "staff"))
    assert client.get(page(session)).status_code == 403


def test_meeting_page_sends_anonymous_people_to_sign_in(client):
    session = session_starting_in(0)
    response = client.get(page(session))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_meeting_page_unknown_session_is_404(client):
    client.force_login(UserFactory())
    assert client.get("/mentoring/sessions/999999/meeting/").status_code == 404


# --- the session page's "Join" ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "status", "state"),
    [
        (5, "booked", "open"),
        (60, "booked", "soon"),
        (-120, "booked", "over"),
        (0, "cancelled", "closed"),
    ],
)
def test_join_state_follows_the_window(minutes, status, state):
    session = session_starting_in(minutes, status=status)
    assert join_state(session=session, now=timezone.now()).state == state


def test_join_part_is_registered_and_only_for_participants(django_assert_num_queries):
    assert join_part in SESSION_PAGE_PARTS
    session = session_starting_in(5)
    request = RequestFactory().get("/")
    request.user = session.mentor
    with django_assert_num_queries(0):  # the join part itself adds no query to the page
        context = join_part(request=request, session=session)
    assert context["join"].state == "open"
    assert session_page_context(request=request, session=session)["join"].state == "open"
    html = render_to_string("mentorship/sessions/_join.html", context)
    assert "Join the meeting" in html and page(session) in html
    request.user = UserFactory()
    assert join_part(request=request, session=session) == {"join": None}
    assert render_to_string("mentorship/sessions/_join.html", {"join": None}).strip() == ""


def test_join_part_before_the_window_says_when_join_opens():
    session = session_starting_in(90)
    request = RequestFactory().get("/")
    request.user = session.mentee
    html = render_to_string(
        "mentorship/sessions/_join.html", join_part(request=request, session=session)
    )
    assert "opens at" in html and "Open the meeting page" in html


def test_meeting_page_when_the_provider_is_down_says_so_and_retries(client, chime_stub):  # noqa: F811
    session = session_starting_in(0)
    chime_stub.add_client_error(
        "create_meeting", service_error_code="ServiceUnavailableException", http_status_code=503
    )
    client.force_login(session.mentor)
    response = client.get(page(session))
    assert response.status_code == 503
    html = response.content.decode()
    assert "cannot be reached" in html and 'http-equiv="refresh" content="30"' in html
