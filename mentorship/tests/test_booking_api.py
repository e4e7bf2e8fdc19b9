"""Booking API: slots, my weekly hours and exceptions, my sessions, book (409 body), cancel,
reschedule; shapes, statuses and permissions."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from mentorship.models import AvailabilityRule, MentorSession
from mentorship.tests.factories import (
    AvailabilityExceptionFactory,
    AvailabilityRuleFactory,
    MentorProfileFactory,
    MentorSessionFactory,
    MentorshipFactory,
)

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def mentorship():
    """A mentor open all day, every day (UTC), in an active mentorship."""
    profile = MentorProfileFactory(session_lengths=[30, 60], max_sessions_per_day=20)
    AvailabilityRuleFactory(
        mentor=profile,
        rrule="FREQ=DAILY",
        start_time=time(0),
        end_time=time(23, 30),
        valid_from=date.today() - timedelta(days=7),
    )
    return MentorshipFactory(mentor=profile.user)


def _first_slot(client: APIClient, mentorship, length: int = 60) -> str:
    profile = mentorship.mentor.mentor_profile
    start = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT00:00:00Z")
    answer = client.get(f"/api/v1/mentors/{profile.pk}/slots/", {"length": length, "from": start})
    assert answer.status_code == 200, answer.json()
    return answer.json()["results"][0]["starts_at"]


def test_slots_api_lists_utc_slots_with_the_mentors_zone(mentorship):
    client = _client(mentorship.mentee)
    profile = mentorship.mentor.mentor_profile
    answer = client.get(f"/api/v1/mentors/{profile.pk}/slots/", {"length": 30})
    body = answer.json()
    assert answer.status_code == 200
    assert body["mentor_timezone"] == "UTC" and body["length_minutes"] == 30
    first = body["results"][0]
    assert first["starts_at"].endswith("Z") and first["ends_at"].endswith("Z")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"length": 45}, "length"),
        ({"from": "2027-01-01T00:00:00Z", "to": "2027-03-01T00:00:00Z"}, "to"),
        ({"from": "not a date"}, "from"),
    ],
)
def test_slots_api_refuses_bad_queries_with_field_errors(mentorship, query, field):
    profile = mentorship.mentor.mentor_profile
    answer = _client(mentorship.mentee).get(f"/api/v1/mentors/{profile.pk}/slots/", query)
    assert answer.status_code == 400
    assert field in answer.json()["errors"]


def test_slots_api_needs_sign_in_and_an_existing_mentor(api_client, mentorship):
    assert api_client.get("/api/v1/mentors/1/slots/").status_code == 401
    assert _client(mentorship.mentee).get("/api/v1/mentors/999999/slots/").status_code == 404


def test_book_api_books_then_answers_409_for_the_same_slot(mentorship):
    client = _client(mentorship.mentee)
    starts_at = _first_slot(client, mentorship)
    answer = client.post(
        f"/api/v1/mentorships/{mentorship.pk}/sessions/",
        {"starts_at": starts_at, "length_minutes": 60, "agenda": "CV"},
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["status"] == "booked" and body["starts_at"] == starts_at
    assert body["mentor"]["id"] == mentorship.mentor_id and body["ical_sequence"] == 0
    other = MentorshipFactory(mentor=mentorship.mentor)
    clash = _client(other.mentee).post(
        f"/api/v1/mentorships/{other.pk}/sessions/",
        {"starts_at": starts_at, "length_minutes": 30},
    )
    assert clash.status_code == 409
    assert clash.json() == {
        "message": "This time is no longer free. Please pick another slot.",
        "code": "slot_taken",
        "errors": {"starts_at": ["This time is no longer free."]},
    }


def test_book_api_validates_and_hides_others_mentorships(mentorship):
    url = f"/api/v1/mentorships/{mentorship.pk}/sessions/"
    bad = _client(mentorship.mentee).post(url, {"starts_at": "soon", "length_minutes": "x"})
    assert bad.status_code == 400
    assert {"starts_at", "length_minutes"} <= set(bad.json()["errors"])
    assert _client(UserFactory()).post(url, {}).status_code == 404


def test_session_api_cancel_and_reschedule(mentorship):
    client = _client(mentorship.mentee)
    first = _first_slot(client, mentorship)
    session_id = client.post(
        f"/api/v1/mentorships/{mentorship.pk}/sessions/",
        {"starts_at": first, "length_minutes": 60},
    ).json()["id"]
    assert client.get(f"/api/v1/sessions/{session_id}/").json()["id"] == session_id
    later = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0)
    moved = client.post(
        f"/api/v1/sessions/{session_id}/reschedule/",
        {"starts_at": later.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    assert moved.status_code == 201, moved.json()
    new = moved.json()
    assert new["rescheduled_from_id"] == session_id
    assert MentorSession.objects.get(pk=session_id).status == "cancelled"
    cancelled = client.post(f"/api/v1/sessions/{new['id']}/cancel/", {"reason": "Ill"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/sessions/{new['id']}/cancel/", {})
    assert again.status_code == 409 and again.json()["code"] == "session_not_booked"
    assert _client(UserFactory()).get(f"/api/v1/sessions/{session_id}/").status_code == 404


def test_me_sessions_api_lists_upcoming_and_past_paginated(
    mentorship, django_assert_max_num_queries
):
    now = timezone.now()
    for day in range(1, 13):
        start = now + timedelta(days=day)
        MentorSessionFactory(
            mentorship=mentorship, starts_at=start, ends_at=start + timedelta(hours=1)
        )
    MentorSessionFactory(
        mentorship=mentorship,
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(hours=1),
    )
    client = _client(mentorship.mentor)
    with django_assert_max_num_queries(6):
        upcoming = client.get("/api/v1/me/sessions/", {"page_size": 10}).json()
    assert upcoming["count"] == 12 and len(upcoming["results"]) == 10 and upcoming["next"]
    past = client.get("/api/v1/me/sessions/", {"when": "past"}).json()
    assert past["count"] == 1
    assert client.get("/api/v1/me/sessions/", {"when": "later"}).status_code == 400


def test_me_availability_rules_api_crud(mentorship):
    client = _client(mentorship.mentor)
    made = client.post(
        "/api/v1/me/availability/rules/",
        {"weekdays": ["WE", "MO"], "start_time": "09:00", "end_time": "12:00"},
    )
    assert made.status_code == 201, made.json()
    assert made.json()["rrule"] == "FREQ=WEEKLY;BYDAY=MO,WE"
    raw = client.post(
        "/api/v1/me/availability/rules/",
        {"rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "start_time": "14:00", "end_time": "15:00"},
    )
    assert raw.status_code == 201
    listed = client.get("/api/v1/me/availability/rules/").json()
    assert listed["count"] == 3
    url = f"/api/v1/me/availability/rules/{made.json()['id']}/"
    changed = client.patch(url, {"end_time": "13:00"})
    assert changed.status_code == 200 and changed.json()["end_time"] == "13:00"
    wrong = client.patch(url, {"end_time": "08:00"})
    assert wrong.status_code == 400 and "end_time" in wrong.json()["errors"]
    assert client.delete(url).status_code == 204
    assert not AvailabilityRule.objects.filter(pk=made.json()["id"]).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start_time": "09:00", "end_time": "10:00"}, "weekdays"),
        ({"weekdays": ["XX"], "start_time": "09:00", "end_time": "10:00"}, "weekdays.0"),
        ({"rrule": "WEEKLY", "start_time": "09:00", "end_time": "10:00"}, "rrule"),
        ({"weekdays": ["MO"], "start_time": "09:00", "end_time": "10:00", "x": 1}, "x"),
    ],
)
def test_me_availability_rules_api_refuses_bad_rules(mentorship, body, field):
    answer = _client(mentorship.mentor).post("/api/v1/me/availability/rules/", body)
    assert answer.status_code == 400
    assert field in answer.json()["errors"]


def test_me_availability_api_is_the_mentors_own(mentorship):
    rule = mentorship.mentor.mentor_profile.availability_rules.first()
    other_mentor = MentorProfileFactory().user
    assert _client(mentorship.mentee).get("/api/v1/me/availability/rules/").status_code == 403
    answer = _client(other_mentor).patch(f"/api/v1/me/availability/rules/{rule.pk}/", {})
    assert answer.status_code == 404
    no_profile = UserFactory(roles=("Mentor",))
    refused = _client(no_profile).get("/api/v1/me/availability/rules/")
    assert refused.status_code == 409 and refused.json()["code"] == "no_mentor_profile"


def test_me_availability_exceptions_api_crud(mentorship):
    client = _client(mentorship.mentor)
    made = client.post("/api/v1/me/availability/exceptions/", {"date": "2027-02-02"})
    assert made.status_code == 201 and made.json()["kind"] == "off"
    extra_without_times = client.post(
        "/api/v1/me/availability/exceptions/", {"date": "2027-02-03", "kind": "extra"}
    )
    assert extra_without_times.status_code == 400
    url = f"/api/v1/me/availability/exceptions/{made.json()['id']}/"
    changed = client.patch(url, {"start_time": "10:00", "end_time": "11:00", "note": "Dentist"})
    assert changed.status_code == 200 and changed.json()["start_time"] == "10:00"
    AvailabilityExceptionFactory(mentor=mentorship.mentor.mentor_profile)
    assert client.get("/api/v1/me/availability/exceptions/").json()["count"] == 2
    assert client.delete(url).status_code == 204


def test_slots_api_for_a_session_being_moved_offers_its_own_time(mentorship):
    # given a booked session two days ahead
    client = _client(mentorship.mentee)
    profile = mentorship.mentor.mentor_profile
    starts = (timezone.now() + timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    session = MentorSessionFactory(
        mentorship=mentorship, starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    window = {"length": 60, "from": starts.strftime("%Y-%m-%dT00:00:00Z")}

    def offered(params):
        answer = client.get(f"/api/v1/mentors/{profile.pk}/slots/", params)
        assert answer.status_code == 200, answer.json()
        return {slot["starts_at"][:16] for slot in answer.json()["results"]}

    half_past = (starts + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    # when slots are asked for plainly, the session's own time and what overlaps it are taken
    assert half_past not in offered(window)
    # when asked for the session being moved, a time overlapping its own is offered
    assert half_past in offered({**window, "moving": session.pk})
    # and someone else's session cannot be named
    stranger = MentorSessionFactory()
    answer = client.get(f"/api/v1/mentors/{profile.pk}/slots/", {**window, "moving": stranger.pk})
    assert answer.status_code == 404


def test_book_api_retry_with_the_same_idempotency_key_gets_the_booking_again(mentorship):
    client = _client(mentorship.mentee)
    url = f"/api/v1/mentorships/{mentorship.pk}/sessions/"
    body = {"starts_at": _first_slot(client, mentorship), "length_minutes": 60}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="book-1")
    retry = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="book-1")
    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert MentorSession.objects.count() == 1
    # without a key (or with a new one) the same time is refused as taken
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="book-2")
    assert again.status_code == 409 and again.json()["code"] == "slot_taken"
