"""Directory site pages: directory, profile and request form, own profile, suggestions,
preferences, requests, my mentorships and the shared mentorship page."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.tests.factories import TagFactory
from mentorship.models import LearnerPreference, MentorProfile, Mentorship, MentorshipRequest
from mentorship.tests.factories import (
    MentorProfileFactory,
    MentorshipFactory,
    MentorshipRequestFactory,
)

pytestmark = pytest.mark.django_db


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_directory_page_lists_and_filters(client, django_assert_max_num_queries):
    python = TagFactory(slug="python", name="python")
    for n in range(14):
        MentorProfileFactory(
            user=UserFactory(name=f"Mentor {n:02}", roles=("Mentor",)), expertise=[python]
        )
    MentorProfileFactory(user=UserFactory(name="Other", roles=("Mentor",)))
    client = _signed_in(client, UserFactory())
    with django_assert_max_num_queries(25):
        response = client.get(reverse("mentorship:directory"))
    html = response.content.decode()
    assert response.status_code == 200 and html.count("mentor-card__name") == 12
    assert 'href="/mentors/"' in html  # the top navigation
    response = client.get(reverse("mentorship:directory"), {"tag": "python", "page": 2})
    assert response.content.decode().count("mentor-card__name") == 2


def test_directory_page_htmx_returns_the_results_only(client):
    MentorProfileFactory(user=UserFactory(name="Zoya", roles=("Mentor",)))
    client = _signed_in(client, UserFactory())
    response = client.get(
        reverse("mentorship:directory"), {"search": "zoya"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Zoya" in html and "<h1" not in html and 'id="mentor-results"' in html


def test_directory_page_bad_filter_and_empty_state(client):
    client = _signed_in(client, UserFactory())
    response = client.get(reverse("mentorship:directory"), {"tag": "nope"})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    response = client.get(reverse("mentorship:directory"), {"search": "nobody"})
    assert "No mentor matches" in response.content.decode()


def test_mentor_page_and_request_form(client):
    profile = MentorProfileFactory(expertise=[TagFactory(slug="sql", name="sql")])
    student = UserFactory()
    client = _signed_in(client, student)
    response = client.get(reverse("mentorship:mentor", args=[profile.pk]))
    assert response.status_code == 200 and "Send request" in response.content.decode()
    url = reverse("mentorship:mentor_request", args=[profile.pk])
    response = client.post(url, {"message": ""})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    response = client.post(url, {"message": "Please help", "topics": ["sql"]})
    assert response.status_code == 302 and response["Location"] == reverse("mentorship:requests")
    request = MentorshipRequest.objects.get(mentee=student)
    assert [t.slug for t in request.topics.all()] == ["sql"]
    response = client.post(url, {"message": "Again"})
    assert response.status_code == 400 and "already asked" in response.content.decode()
    assert (
        "waiting for an answer"
        in client.get(reverse("mentorship:mentor", args=[profile.pk])).content.decode()
    )


def test_my_profile_page_creates_then_edits(client):
    mentor = UserFactory(roles=("Mentor",), timezone="Asia/Kolkata")
    client = _signed_in(client, mentor)
    url = reverse("mentorship:my_profile")
    response = client.get(url)
    assert response.status_code == 200 and "Create profile" in response.content.decode()
    data = {
        "headline": "Python mentor",
        "bio": "",
        "languages": ["en", "hi"],
        "timezone": "Asia/Kolkata",
        "capacity": 3,
        "session_lengths": "30, 45",
        "is_accepting": "on",
        "is_listed": "on",
        "min_notice_minutes": 60,
        "buffer_minutes": 5,
        "max_sessions_per_day": 3,
        "cancel_window_hours": 6,
        "reschedule_window_hours": 6,
        "horizon_days": 21,
        "slot_step_minutes": 15,
    }
    assert client.post(url, data).status_code == 302
    profile = MentorProfile.objects.get(user=mentor)
    assert profile.session_lengths == [30, 45] and profile.capacity == 3
    response = client.post(url, {**data, "session_lengths": "5"})
    assert response.status_code == 400 and "errorlist" in response.content.decode()


def test_my_profile_page_is_for_mentors(client):
    assert (
        _signed_in(client, UserFactory()).get(reverse("mentorship:my_profile")).status_code == 403
    )


def test_suggested_and_preferences_pages(client):
    TagFactory(slug="data", name="data")
    MentorProfileFactory(timezone="UTC")
    student = UserFactory(timezone="UTC")
    client = _signed_in(client, student)
    html = client.get(reverse("mentorship:suggested")).content.decode()
    assert "14 hours of overlap, 5 places left" in html
    response = client.post(
        reverse("mentorship:preferences"),
        {"interests": ["data"], "languages": ["en"], "goals": "A data job"},
    )
    assert response.status_code == 302
    assert LearnerPreference.objects.get(user=student).goals == "A data job"


def test_requests_page_accept_and_decline(client):
    profile = MentorProfileFactory()
    first = MentorshipRequestFactory(mentor=profile.user)
    second = MentorshipRequestFactory(mentor=profile.user)
    client = _signed_in(client, profile.user)
    html = client.get(reverse("mentorship:requests")).content.decode()
    assert first.mentee.display_name in html and "Decline request" in html
    response = client.post(reverse("mentorship:request_accept", args=[first.pk]))
    mentorship = Mentorship.objects.get(mentee=first.mentee)
    assert response["Location"] == reverse("mentorship:mentorship", args=[mentorship.pk])
    client.post(reverse("mentorship:request_decline", args=[second.pk]), {"reason": ""})
    assert MentorshipRequest.objects.get(pk=second.pk).status == "pending"
    client.post(reverse("mentorship:request_decline", args=[second.pk]), {"reason": "Busy"})
    assert MentorshipRequest.objects.get(pk=second.pk).status == "declined"


def test_requests_page_withdraw(client):
    request = MentorshipRequestFactory()
    client = _signed_in(client, request.mentee)
    client.post(reverse("mentorship:request_withdraw", args=[request.pk]))
    assert MentorshipRequest.objects.get(pk=request.pk).status == "withdrawn"


def test_mentorships_page_lists_both_sides(client):
    mentor = MentorProfileFactory().user
    MentorshipFactory(mentor=mentor)
    MentorshipFactory(mentee=mentor)
    html = _signed_in(client, mentor).get(reverse("mentorship:mentorships")).content.decode()
    assert html.count("Mentoring ") >= 1 and "Mentored by" in html


def test_mentorships_page_offers_mentors_their_profile_and_learners_the_directory(client):
    mentor = UserFactory(roles=("Mentor",))
    MentorProfileFactory(user=mentor)
    html = _signed_in(client, mentor).get(reverse("mentorship:mentorships")).content.decode()
    assert reverse("mentorship:my_profile") in html and ">Find a mentor</a>" not in html
    learner = UserFactory(roles=("Student",))
    html = _signed_in(client, learner).get(reverse("mentorship:mentorships")).content.decode()
    assert ">Find a mentor</a>" in html and reverse("mentorship:my_profile") not in html


def _fill(mentorship) -> None:
    """Sessions ahead, goals with milestones, action items and updates: enough rows that a
    part of the page querying per row would show."""
    from datetime import timedelta

    from django.utils import timezone

    from mentorship.tests.factories import (
        ActionItemFactory,
        GoalFactory,
        MentorSessionFactory,
        MilestoneFactory,
        ProgressUpdateFactory,
    )

    start = timezone.now() + timedelta(days=2)
    for n in range(4):
        at = start + timedelta(days=n)
        MentorSessionFactory(mentorship=mentorship, starts_at=at, ends_at=at + timedelta(hours=1))
        goal = GoalFactory(mentorship=mentorship)
        MilestoneFactory.create_batch(3, goal=goal)
        ActionItemFactory(mentorship=mentorship)
        ProgressUpdateFactory(mentorship=mentorship, goal=goal)


def test_mentorship_page_for_participants_and_staff_only(client, django_assert_max_num_queries):
    mentorship = MentorshipFactory()
    _fill(mentorship)
    url = reverse("mentorship:mentorship", args=[mentorship.pk])
    _signed_in(client, mentorship.mentee)
    with django_assert_max_num_queries(20):
        html = client.get(url).content.decode()
    assert "End mentorship" in html and "Pause" in html
    staff_html = _signed_in(client, UserFactory(is_staff=True)).get(url).content.decode()
    assert "only its two people can change it" in staff_html
    assert _signed_in(client, UserFactory()).get(url).status_code == 404


def test_mentorship_page_pause_and_end(client):
    mentorship = MentorshipFactory()
    client = _signed_in(client, mentorship.mentor)
    client.post(reverse("mentorship:mentorship_pause", args=[mentorship.pk]))
    assert Mentorship.objects.get(pk=mentorship.pk).status == "paused"
    response = client.post(reverse("mentorship:mentorship_end", args=[mentorship.pk]), {})
    assert response.status_code == 400
    client.post(reverse("mentorship:mentorship_end", args=[mentorship.pk]), {"reason": "Done"})
    assert Mentorship.objects.get(pk=mentorship.pk).status == "ended"
