"""The calendar's site pages and API: feed settings, rotate/revoke, one session's invite."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from icalendar import Calendar
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from mentorship.models import CalendarFeed, MentorSession
from mentorship.services.calendar import calendar_feed_rotate
from mentorship.tests.factories import MentorSessionFactory

pytestmark = pytest.mark.django_db

SETTINGS = "mentorship:calendar"


def _api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- site ---------------------------------------------------------------------------------


def test_calendar_settings_page_off_then_on_then_new_link_then_off(client) -> None:
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse(SETTINGS))
    assert page.status_code == 200
    assert "Turn on my calendar link" in page.content.decode()
    assert not CalendarFeed.objects.filter(user=user).exists()

    turned_on = client.post(reverse("mentorship:calendar_rotate"), follow=True)
    feed = CalendarFeed.objects.get(user=user)
    html = turned_on.content.decode()
    assert f"/calendar/{feed.token}.ics" in html
    assert "webcal://" in html
    assert "Google Calendar" in html and "Outlook" in html
    assert "Make a new link" in html and "data-confirm" in html
    assert "is ready" in html  # the success message

    renewed = client.post(reverse("mentorship:calendar_rotate"), follow=True)
    assert "old link no longer works" in renewed.content.decode()
    assert CalendarFeed.objects.get(user=user).token != feed.token

    off = client.post(reverse("mentorship:calendar_revoke"), follow=True)
    assert "turned off" in off.content.decode()
    assert not CalendarFeed.objects.filter(user=user).exists()


def test_calendar_settings_page_linked_from_the_settings_navigation(client) -> None:
    client.force_login(UserFactory())
    html = client.get(reverse("accounts:profile")).content.decode()
    assert reverse(SETTINGS) in html


def test_calendar_settings_actions_are_post_only(client) -> None:
    client.force_login(UserFactory())
    assert client.get(reverse("mentorship:calendar_rotate")).status_code == 405
    assert client.get(reverse("mentorship:calendar_revoke")).status_code == 405


def test_session_invite_download_participants_only(client) -> None:
    session = MentorSessionFactory()
    url = reverse("mentorship:session_invite", kwargs={"session_id": session.pk})

    for person in (session.mentor, session.mentee):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar; method=REQUEST")
        assert 'filename="invite.ics"' in response["Content-Disposition"]
        cal = Calendar.from_ical(response.content)
        assert str(cal.walk("VEVENT")[0]["UID"]) == session.ical_uid

    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 404


def test_session_invite_download_of_cancelled_session_is_a_cancel(client) -> None:
    session = MentorSessionFactory(status=MentorSession.Status.CANCELLED, ical_sequence=1)
    client.force_login(session.mentee)
    response = client.get(reverse("mentorship:session_invite", kwargs={"session_id": session.pk}))
    cal = Calendar.from_ical(response.content)
    assert cal["METHOD"] == "CANCEL"
    assert cal.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


# --- API ----------------------------------------------------------------------------------


def test_api_calendar_feed_get_rotate_delete() -> None:
    user = UserFactory()
    api = _api(user)
    url = reverse("api:me-calendar-feed")

    off = api.get(url)
    assert off.status_code == 200
    assert off.json() == {
        "enabled": False,
        "url": None,
        "created_at": None,
        "last_fetched_at": None,
    }

    made = api.post(reverse("api:me-calendar-feed-rotate"))
    assert made.status_code == 200
    body = made.json()
    token = CalendarFeed.objects.get(user=user).token
    assert body["enabled"] is True
    assert body["url"].endswith(f"/calendar/{token}.ics")
    assert body["url"].startswith("http")
    assert body["created_at"].endswith("Z")
    assert api.get(url).json()["url"] == body["url"]

    rotated = api.post(reverse("api:me-calendar-feed-rotate")).json()
    assert rotated["url"] != body["url"]
    assert APIClient().get(urlsplit(body["url"]).path).status_code == 404

    assert api.delete(url).status_code == 204
    assert api.delete(url).status_code == 204
    assert api.get(url).json()["enabled"] is False


def test_api_calendar_feed_needs_sign_in() -> None:
    anonymous = APIClient()
    assert anonymous.get(reverse("api:me-calendar-feed")).status_code == 401
    assert anonymous.post(reverse("api:me-calendar-feed-rotate")).status_code == 401
    response = anonymous.delete(reverse("api:me-calendar-feed"))
    assert response.status_code == 401
    assert set(response.json()) >= {"message", "code"}


def test_api_session_ics_participants_only() -> None:
    session = MentorSessionFactory()
    url = reverse("api:session-ics", kwargs={"session_id": session.pk})

    response = _api(session.mentee).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert Calendar.from_ical(response.content)["METHOD"] == "REQUEST"
    # a calendar client asking for text/calendar explicitly is served too
    assert _api(session.mentor).get(url, HTTP_ACCEPT="text/calendar").status_code == 200

    stranger = _api(UserFactory()).get(url, HTTP_ACCEPT="text/calendar")
    assert stranger.status_code == 404
    assert stranger.json()["code"] == "session_not_found"
    assert APIClient().get(url).status_code == 401
    missing = reverse("api:session-ics", kwargs={"session_id": session.pk + 1000})
    assert _api(session.mentee).get(missing).status_code == 404


def test_api_calendar_feed_url_serves_the_feed(client) -> None:
    session = MentorSessionFactory()
    calendar_feed_rotate(user=session.mentor)
    url = _api(session.mentor).get(reverse("api:me-calendar-feed")).json()["url"]
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200
    assert session.ical_uid.encode() in response.content


def test_session_calendar_part_registered_for_the_session_page(rf) -> None:
    from django.template.loader import render_to_string

    from mentorship.pages import session_page_context

    session = MentorSessionFactory()
    request = rf.get("/")
    request.user = session.mentee
    context = session_page_context(request=request, session=session)
    assert context["calendar_invite_url"].endswith(f"/sessions/{session.pk}/invite.ics")
    html = render_to_string("mentorship/calendar/_session_invite.html", context)
    assert "Add to calendar" in html and context["calendar_invite_url"] in html
