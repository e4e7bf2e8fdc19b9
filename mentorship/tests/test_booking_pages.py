"""Booking's site pages: availability editing, booking, my sessions, the session page."""

from datetime import UTC, date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from mentorship.models import AvailabilityException, AvailabilityRule, MentorSession
from mentorship.pages import mentorship_page_context
from mentorship.selectors.slots import free_slots
from mentorship.tests.factories import (
    AvailabilityRuleFactory,
    MentorProfileFactory,
    MentorSessionFactory,
    MentorshipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentorship():
    profile = MentorProfileFactory(
        session_lengths=[30, 60], max_sessions_per_day=20, timezone="Europe/Berlin"
    )
    AvailabilityRuleFactory(
        mentor=profile,
        rrule="FREQ=DAILY",
        start_time=time(0),
        end_time=time(23, 30),
        valid_from=date.today() - timedelta(days=7),
    )
    mentee = UserFactory(timezone="Asia/Kolkata")
    return MentorshipFactory(mentor=profile.user, mentee=mentee)


def _slot(mentorship, days: int = 2) -> str:
    profile = mentorship.mentor.mentor_profile
    start = timezone.now() + timedelta(days=days)
    found = free_slots(
        mentor=profile, start=start, end=start + timedelta(days=1), length=timedelta(hours=1)
    )
    return found[0].starts_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_availability_page_lists_rules_and_previews_the_week(client, mentorship):
    client.force_login(mentorship.mentor)
    page = client.get(reverse("mentorship:availability"))
    assert page.status_code == 200
    assert b"Europe/Berlin" in page.content and b"00:00 - 23:30" in page.content
    assert b"Add weekly hours" in page.content


def test_availability_rule_new_builds_a_weekly_rule_from_checkboxes(client, mentorship):
    client.force_login(mentorship.mentor)
    answer = client.post(
        reverse("mentorship:availability_rule_new"),
        {
            "weekdays": ["TU", "MO"],
            "start_time": "18:00",
            "end_time": "20:00",
            "valid_from": "2027-01-01",
        },
        follow=True,
    )
    assert b"Weekly hours added." in answer.content
    assert AvailabilityRule.objects.filter(rrule="FREQ=WEEKLY;BYDAY=MO,TU").exists()


def test_availability_rule_new_shows_errors_and_keeps_the_input(client, mentorship):
    client.force_login(mentorship.mentor)
    answer = client.post(
        reverse("mentorship:availability_rule_new"),
        {"start_time": "18:00", "end_time": "17:00", "valid_from": "2027-01-01"},
    )
    assert answer.status_code == 400
    assert b"The end comes after the start." in answer.content
    assert b'value="18:00"' in answer.content


def test_availability_exception_edit_and_delete(client, mentorship):
    client.force_login(mentorship.mentor)
    client.post(
        reverse("mentorship:availability_exception_new"), {"date": "2027-02-02", "kind": "off"}
    )
    found = AvailabilityException.objects.get()
    url = reverse("mentorship:availability_exception_edit", args=[found.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"date": "2027-02-02", "kind": "extra"})
    assert bad.status_code == 400 and b"Extra hours need a start and an end." in bad.content
    client.post(
        url, {"date": "2027-02-02", "kind": "extra", "start_time": "18:00", "end_time": "19:00"}
    )
    found.refresh_from_db()
    assert found.kind == "extra"
    client.post(reverse("mentorship:availability_exception_delete", args=[found.pk]))
    assert not AvailabilityException.objects.exists()


def test_availability_page_refuses_students(client, mentorship):
    client.force_login(mentorship.mentee)
    assert client.get(reverse("mentorship:availability")).status_code == 403


def test_book_page_shows_slots_in_the_students_zone_with_the_mentors_time(client, mentorship):
    client.force_login(mentorship.mentee)
    page = client.get(reverse("mentorship:book", args=[mentorship.pk]), {"length": 60})
    assert page.status_code == 200
    assert b"your time zone: Asia/Kolkata" in page.content
    assert b"mentor:" in page.content and b"Europe/Berlin" in page.content
    # Kolkata is 4:30 ahead of Berlin in winter (3:30 in summer): slots at :30 or :00
    assert page.context["days"] and page.context["length"] == 60


def test_book_page_books_and_goes_to_the_session_page(client, mentorship):
    client.force_login(mentorship.mentee)
    slot = _slot(mentorship)
    answer = client.post(
        reverse("mentorship:book", args=[mentorship.pk]),
        {"length_minutes": 60, "starts_at": slot, "agenda": "Interview practice"},
        follow=True,
    )
    session = MentorSession.objects.get()
    assert answer.redirect_chain[-1][0] == reverse("mentorship:session", args=[session.pk])
    assert b"Session booked." in answer.content and b"Interview practice" in answer.content


def test_book_page_shows_a_taken_slot_as_an_error_on_the_form(client, mentorship):
    slot = _slot(mentorship)
    other = MentorshipFactory(mentor=mentorship.mentor)
    client.force_login(other.mentee)
    client.post(
        reverse("mentorship:book", args=[other.pk]), {"length_minutes": 60, "starts_at": slot}
    )
    client.force_login(mentorship.mentee)
    answer = client.post(
        reverse("mentorship:book", args=[mentorship.pk]),
        {"length_minutes": 60, "starts_at": slot, "agenda": "Kept"},
    )
    assert answer.status_code == 409
    assert b"This time is no longer free." in answer.content and b"Kept" in answer.content
    missing = client.post(reverse("mentorship:book", args=[mentorship.pk]), {"length_minutes": 60})
    assert missing.status_code == 400 and b"Pick a time." in missing.content


def test_book_page_is_for_the_two_people_only(client, mentorship):
    client.force_login(UserFactory())
    assert client.get(reverse("mentorship:book", args=[mentorship.pk])).status_code == 404


def test_sessions_page_lists_both_roles_with_bounded_queries(
    client, mentorship, django_assert_max_num_queries
):
    now = timezone.now()
    for day in range(1, 26):
        other = MentorshipFactory(mentor=mentorship.mentor)
        start = now + timedelta(days=day)
        MentorSessionFactory(mentorship=other, starts_at=start, ends_at=start + timedelta(hours=1))
    client.force_login(mentorship.mentor)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("mentorship:sessions"))
    assert page.status_code == 200 and len(page.context["page"].object_list) == 20
    assert b"Page 1 of 2" in page.content
    past = client.get(reverse("mentorship:sessions"), {"when": "past"})
    assert b"No past sessions yet." in past.content


def test_session_page_shows_time_in_the_viewers_zone_and_hides_from_others(client, mentorship):
    start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    session = MentorSessionFactory(
        mentorship=mentorship, starts_at=start, ends_at=start + timedelta(hours=1), agenda="Plan"
    )
    url = reverse("mentorship:session", args=[session.pk])
    client.force_login(mentorship.mentee)
    page = client.get(url)
    assert page.status_code == 200
    assert b"15:30" in page.content and b"Asia/Kolkata" in page.content  # 10:00 UTC
    assert b"Cancel the session" in page.content and b"Move to another time" in page.content
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_session_cancel_page_flow(client, mentorship):
    slot = _slot(mentorship, days=3)
    client.force_login(mentorship.mentee)
    client.post(
        reverse("mentorship:book", args=[mentorship.pk]), {"length_minutes": 60, "starts_at": slot}
    )
    session = MentorSession.objects.get()
    answer = client.post(
        reverse("mentorship:session_cancel", args=[session.pk]), {"reason": "Clash"}, follow=True
    )
    assert b"Session cancelled." in answer.content and b"Clash" in answer.content
    again = client.post(reverse("mentorship:session_cancel", args=[session.pk]), {})
    assert again.status_code == 400


def test_session_reschedule_page_moves_the_session(client, mentorship):
    client.force_login(mentorship.mentee)
    client.post(
        reverse("mentorship:book", args=[mentorship.pk]),
        {"length_minutes": 60, "starts_at": _slot(mentorship, days=2)},
    )
    old = MentorSession.objects.get()
    url = reverse("mentorship:session_reschedule", args=[old.pk])
    assert client.get(url).status_code == 200
    answer = client.post(url, {"starts_at": _slot(mentorship, days=4)}, follow=True)
    new = MentorSession.objects.get(status="booked")
    assert new.rescheduled_from == old and b"Session moved." in answer.content


def test_mentorship_page_part_lists_upcoming_sessions_and_offers_booking(rf, mentorship):
    MentorSessionFactory(mentorship=mentorship)
    request = rf.get("/")
    request.user = mentorship.mentee
    context = mentorship_page_context(request=request, mentorship=mentorship)
    assert len(context["upcoming_sessions"]) == 1 and context["can_book"] is True
    from django.template.loader import render_to_string

    html = render_to_string(
        "mentorship/mentorships/_sessions.html",
        {**context, "mentorship": mentorship, "request": request},
    )
    assert reverse("mentorship:book", args=[mentorship.pk]) in html


def test_session_reschedule_page_offers_times_overlapping_the_session_itself(client, mentorship):
    client.force_login(mentorship.mentee)
    client.post(
        reverse("mentorship:book", args=[mentorship.pk]),
        {"length_minutes": 60, "starts_at": _slot(mentorship, days=2)},
    )
    old = MentorSession.objects.get()
    half_past = old.starts_at.astimezone(UTC) + timedelta(minutes=30)
    answer = client.get(reverse("mentorship:session_reschedule", args=[old.pk]))
    offered = {slot["value"] for day in answer.context["days"] for slot in day.get("slots", [])}
    assert any(value.startswith(half_past.strftime("%Y-%m-%dT%H:%M")) for value in offered)
