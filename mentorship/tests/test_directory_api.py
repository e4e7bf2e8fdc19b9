"""Directory API: shapes, filters, permissions and errors."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory, TagFactory
from enrollments.tests.factories import EnrollmentFactory
from mentorship.models import MentorProfile, Mentorship, MentorshipRequest
from mentorship.tests.factories import (
    MentorProfileFactory,
    MentorshipFactory,
    MentorshipRequestFactory,
)

pytestmark = pytest.mark.django_db

CARD_KEYS = {
    "id",
    "user",
    "name",
    "avatar_url",
    "headline",
    "tags",
    "languages",
    "timezone",
    "local_time",
    "places_left",
    "is_accepting",
    "rating_average",
    "rating_count",
}


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_mentors_list_shape_and_filters(api_client, django_assert_max_num_queries):
    python = TagFactory(slug="python", name="python")
    for n in range(8):
        MentorProfileFactory(expertise=[python], languages=["en", "hi"], capacity=3)
    MentorProfileFactory(languages=["de"])
    client = _as(api_client, UserFactory())
    with django_assert_max_num_queries(12):
        body = client.get(reverse("api:mentors"), {"tag": "python", "page_size": 5}).json()
    assert body["count"] == 8 and len(body["results"]) == 5 and body["next"]
    card = body["results"][0]
    assert set(card) == CARD_KEYS
    assert card["tags"] == [{"slug": "python", "name": "python"}]
    assert card["languages"] == ["en", "hi"] and card["places_left"] == 3
    assert client.get(reverse("api:mentors"), {"language": "de"}).json()["count"] == 1


def test_mentors_list_bad_filter_is_a_400(api_client):
    response = _as(api_client, UserFactory()).get(reverse("api:mentors"), {"overlap_hours": "x"})
    assert response.status_code == 400
    assert "overlap_hours" in response.json()["errors"]


def test_mentors_list_needs_sign_in(api_client):
    assert api_client.get(reverse("api:mentors")).status_code == 401


def test_mentor_detail_and_unlisted_404(api_client):
    listed = MentorProfileFactory(session_lengths=[30, 45])
    hidden = MentorProfileFactory(is_listed=False)
    client = _as(api_client, UserFactory())
    body = client.get(reverse("api:mentor", args=[listed.pk])).json()
    assert body["session_lengths"] == [30, 45] and body["bio"] == listed.bio
    assert client.get(reverse("api:mentor", args=[hidden.pk])).status_code == 404


def test_me_mentor_profile_create_then_patch(api_client):
    mentor = UserFactory(roles=("Mentor",), timezone="Europe/Berlin")
    TagFactory(slug="sql", name="sql")
    client = _as(api_client, mentor)
    url = reverse("api:me-mentor-profile")
    assert client.get(url).status_code == 404
    response = client.put(
        url, {"headline": "SQL coach", "expertise": ["sql"], "languages": ["de", "en"]}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["timezone"] == "Europe/Berlin" and body["capacity"] == 5
    assert body["tags"] == [{"slug": "sql", "name": "sql"}] and body["languages"] == ["de", "en"]
    response = client.patch(url, {"capacity": 2, "is_accepting": False})
    assert response.status_code == 200
    assert response.json()["capacity"] == 2 and response.json()["headline"] == "SQL coach"


def test_me_mentor_profile_errors(api_client):
    client = _as(api_client, UserFactory(roles=("Mentor",)))
    url = reverse("api:me-mentor-profile")
    # PATCH changes a profile; there is none yet
    response = client.patch(url, {"capacity": 2})
    assert response.status_code == 404 and response.json()["code"] == "no_profile"
    response = client.put(url, {"headline": "x", "expertise": ["nope"]})
    assert response.status_code == 404 and response.json()["code"] == "unknown_topic"
    assert "expertise" in response.json()["errors"]
    response = client.put(url, {"headline": "x", "languages": ["zz"]})
    assert response.status_code == 400 and "languages.0" in response.json()["errors"]
    response = client.put(url, {"headline": "x", "timezone": "Mars/Base"})
    assert set(response.json()["errors"]) == {"timezone"}
    response = client.put(url, {"headline": "x", "extra": 1})
    assert set(response.json()["errors"]) == {"extra"}
    response = client.put(url, {"bio": "no headline"})
    assert set(response.json()["errors"]) == {"headline"}
    assert not MentorProfile.objects.exists()
    student = _as(api_client, UserFactory())
    assert student.put(url, {"headline": "x"}).status_code == 403


def test_me_mentoring_preferences(api_client):
    TagFactory(slug="data", name="data")
    client = _as(api_client, UserFactory())
    url = reverse("api:me-mentoring-preferences")
    assert client.get(url).json() == {
        "interests": [],
        "languages": [],
        "goals": "",
        "updated_at": None,
    }
    body = client.patch(url, {"interests": ["data"], "languages": ["en"], "goals": "Job"}).json()
    assert body["interests"] == [{"slug": "data", "name": "data"}] and body["goals"] == "Job"
    assert client.patch(url, {"languages": ["english"]}).status_code == 400
    assert client.patch(url, {"interests": ["nope"]}).status_code == 404


def test_me_mentor_suggestions_shape(api_client):
    MentorProfileFactory(timezone="UTC", capacity=2)
    body = _as(api_client, UserFactory(timezone="UTC")).get(reverse("api:me-mentor-suggestions"))
    result = body.json()["results"][0]
    assert set(result) == {
        "mentor",
        "score",
        "shared_topics",
        "shared_languages",
        "overlap_hours",
        "places_left",
        "explanation",
    }
    assert result["explanation"] == "14 hours of overlap, 2 places left"
    assert result["score"] == 4.0


def test_mentorship_requests_create_and_conflict(api_client):
    profile = MentorProfileFactory()
    course = CourseFactory()
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    client = _as(api_client, student)
    url = reverse("api:mentorship-requests")
    payload = {"mentor_profile_id": profile.pk, "message": "Help", "course": course.slug}
    response = client.post(url, payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending" and body["direction"] == "outgoing"
    assert body["course"] == {"slug": course.slug, "title": course.title}
    response = client.post(url, payload)
    assert response.status_code == 409 and response.json()["code"] == "already_requested"


def test_mentorship_requests_create_errors(api_client):
    profile = MentorProfileFactory()
    client = _as(api_client, UserFactory())
    url = reverse("api:mentorship-requests")
    response = client.post(url, {"mentor_profile_id": profile.pk, "message": "Hi", "course": "x"})
    assert response.status_code == 404 and "course" in response.json()["errors"]
    response = client.post(url, {"mentor_profile_id": profile.pk})
    assert response.status_code == 400 and "message" in response.json()["errors"]
    response = client.post(url, {"mentor_profile_id": 999999, "message": "Hi"})
    assert response.status_code == 404
    own = _as(api_client, profile.user).post(url, {"mentor_profile_id": profile.pk, "message": "x"})
    assert own.status_code == 400 and own.json()["code"] == "own_profile"


def test_mentorship_requests_list_by_direction(api_client):
    mentor = MentorProfileFactory().user
    MentorshipRequestFactory(mentor=mentor)
    MentorshipRequestFactory(mentee=mentor, mentor=MentorProfileFactory().user)
    client = _as(api_client, mentor)
    url = reverse("api:mentorship-requests")
    assert client.get(url).json()["count"] == 2
    incoming = client.get(url, {"direction": "incoming"}).json()["results"]
    assert [r["direction"] for r in incoming] == ["incoming"]
    assert client.get(url, {"direction": "sideways"}).status_code == 400


def test_mentorship_request_accept_decline_withdraw(api_client):
    profile = MentorProfileFactory()
    first = MentorshipRequestFactory(mentor=profile.user)
    second = MentorshipRequestFactory(mentor=profile.user)
    third = MentorshipRequestFactory(mentor=profile.user)
    client = _as(api_client, profile.user)
    response = client.post(reverse("api:mentorship-request-accept", args=[first.pk]))
    assert response.status_code == 201
    assert (
        response.json()["status"] == "active" and response.json()["mentee"]["id"] == first.mentee_id
    )
    response = client.post(reverse("api:mentorship-request-accept", args=[first.pk]))
    assert response.status_code == 409
    response = client.post(reverse("api:mentorship-request-decline", args=[second.pk]), {})
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = client.post(
        reverse("api:mentorship-request-decline", args=[second.pk]), {"reason": "Busy"}
    )
    assert response.json()["status"] == "declined" and response.json()["decline_reason"] == "Busy"
    assert (
        client.post(reverse("api:mentorship-request-withdraw", args=[third.pk])).status_code == 404
    )
    mentee = _as(api_client, third.mentee)
    response = mentee.post(reverse("api:mentorship-request-withdraw", args=[third.pk]))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_mentorship_request_accept_over_capacity_409(api_client):
    profile = MentorProfileFactory(capacity=0)
    request = MentorshipRequestFactory(mentor=profile.user)
    response = _as(api_client, profile.user).post(
        reverse("api:mentorship-request-accept", args=[request.pk])
    )
    assert response.status_code == 409 and response.json()["code"] == "over_capacity"
    assert MentorshipRequest.objects.get(pk=request.pk).status == "pending"


def test_mentorships_list_detail_and_lifecycle(api_client):
    mentorship = MentorshipFactory()
    MentorshipFactory(mentee=mentorship.mentee, status="ended")
    client = _as(api_client, mentorship.mentee)
    body = client.get(reverse("api:mentorships")).json()
    assert body["count"] == 2 and body["results"][0]["id"] == mentorship.pk
    detail = client.get(reverse("api:mentorship", args=[mentorship.pk])).json()
    assert set(detail) == {
        "id",
        "mentor",
        "mentee",
        "course",
        "status",
        "started_on",
        "ended_at",
        "ended_by",
        "end_reason",
        "created_at",
    }
    assert (
        client.post(reverse("api:mentorship-pause", args=[mentorship.pk])).json()["status"]
        == "paused"
    )
    assert client.post(reverse("api:mentorship-pause", args=[mentorship.pk])).status_code == 409
    assert (
        client.post(reverse("api:mentorship-resume", args=[mentorship.pk])).json()["status"]
        == "active"
    )
    response = client.post(reverse("api:mentorship-end", args=[mentorship.pk]), {})
    assert response.status_code == 400
    response = client.post(reverse("api:mentorship-end", args=[mentorship.pk]), {"reason": "Done"})
    body = response.json()
    assert body["status"] == "ended" and body["ended_by"]["id"] == mentorship.mentee_id
    assert body["ended_at"].endswith("Z")
    assert Mentorship.objects.get(pk=mentorship.pk).end_reason == "Done"


def test_mentorship_detail_hidden_from_others(api_client):
    mentorship = MentorshipFactory()
    client = _as(api_client, UserFactory())
    assert client.get(reverse("api:mentorship", args=[mentorship.pk])).status_code == 404
    assert client.post(reverse("api:mentorship-pause", args=[mentorship.pk])).status_code == 404
