"""The mentoring progress API: statuses, shapes and who may do what."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from mentorship.models import ActionItem, Goal, MentorSession, Milestone, SessionNote
from mentorship.tests.factories import (
    ActionItemFactory,
    GoalFactory,
    MentorSessionFactory,
    MentorshipFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    SessionNoteFactory,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def mentorship():
    return MentorshipFactory(mentee=UserFactory(timezone="Asia/Kolkata"))


@pytest.fixture
def past(mentorship):
    start = timezone.now() - timedelta(hours=2)
    return MentorSessionFactory(
        mentorship=mentorship, starts_at=start, ends_at=start + timedelta(hours=1)
    )


def test_session_notes_api_create_and_list(mentorship, past):
    mentor, mentee = client_for(mentorship.mentor), client_for(mentorship.mentee)
    url = f"/api/v1/sessions/{past.pk}/notes/"
    created = mentor.post(url, {"body": "Shared plan", "visibility": "shared"})
    assert created.status_code == 201
    body = created.json()
    assert body["author"]["id"] == mentorship.mentor.pk
    assert body["visibility"] == "shared"
    assert body["created_at"].endswith("Z")
    mentor.post(url, {"body": "Private"})
    listed = mentee.get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["body"] == "Shared plan"
    refused = mentee.post(url, {"body": "Mine", "visibility": "shared"})
    assert refused.status_code == 400 and "visibility" in refused.json()["errors"]
    assert mentee.post(url, {"body": ""}).status_code == 400
    assert client_for(UserFactory()).get(url).status_code == 404


def test_note_api_patch_and_delete_only_author(mentorship, past):
    note = SessionNoteFactory(session=past, visibility="shared")
    url = f"/api/v1/notes/{note.pk}/"
    assert client_for(mentorship.mentee).patch(url, {"body": "x"}).status_code == 403
    response = client_for(mentorship.mentor).patch(url, {"body": "Edited"})
    assert response.status_code == 200 and response.json()["body"] == "Edited"
    assert client_for(mentorship.mentor).delete(url).status_code == 204
    assert not SessionNote.objects.filter(pk=note.pk).exists()


def test_action_items_api(mentorship, past):
    mentor = client_for(mentorship.mentor)
    url = f"/api/v1/mentorships/{mentorship.pk}/action-items/"
    created = mentor.post(
        url,
        {"title": "Draft README", "owner": "mentee", "due_on": "2030-01-02", "session_id": past.pk},
    )
    assert created.status_code == 201, created.json()
    item = created.json()
    assert (item["owner_role"], item["done"], item["session_id"]) == ("mentee", False, past.pk)
    assert mentor.post(url, {"title": "x", "owner": "someone"}).status_code == 400
    assert mentor.post(url, {"title": "x", "owner": "mentee", "extra": 1}).status_code == 400
    other_session = MentorSessionFactory()
    assert (
        mentor.post(url, {"title": "x", "owner": "mentee", "session_id": other_session.pk})
    ).status_code == 404
    detail = f"/api/v1/action-items/{item['id']}/"
    done = client_for(mentorship.mentee).patch(detail, {"done": True})
    assert done.status_code == 200 and done.json()["done"] is True
    assert mentor.patch(detail, {"owner": "mentor", "done": False}).json()["owner_role"] == "mentor"
    ActionItemFactory(mentorship=mentorship, done_at=timezone.now())
    assert mentor.get(url).json()["count"] == 2
    assert mentor.get(url + "?open=true").json()["count"] == 1
    assert mentor.delete(detail).status_code == 204
    assert not ActionItem.objects.filter(pk=item["id"]).exists()


def test_rating_api(mentorship, past):
    url = f"/api/v1/sessions/{past.pk}/rating/"
    mentee = client_for(mentorship.mentee)
    response = mentee.post(url, {"rating": 4, "feedback": "Helpful"})
    assert response.status_code == 200
    assert response.json()["rating"] == 4 and response.json()["rated_at"].endswith("Z")
    assert mentee.post(url, {"rating": 9}).status_code == 400
    assert client_for(mentorship.mentor).post(url, {"rating": 5}).status_code == 403
    future = MentorSessionFactory(mentorship=mentorship)
    early = mentee.post(f"/api/v1/sessions/{future.pk}/rating/", {"rating": 5})
    assert early.status_code == 409 and early.json()["code"] == "not_started"


def test_no_show_api(mentorship, past):
    url = f"/api/v1/sessions/{past.pk}/no-show/"
    mentor = client_for(mentorship.mentor)
    assert mentor.post(url, {"party": "mentor"}).status_code == 400
    response = mentor.post(url, {"party": "mentee"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["no_show_party"]) == ("no_show", "mentee")
    assert mentor.post(url, {"party": "mentee"}).status_code == 409
    assert MentorSession.objects.get(pk=past.pk).status == "no_show"


def test_goals_and_milestones_api(mentorship):
    mentee = client_for(mentorship.mentee)
    url = f"/api/v1/mentorships/{mentorship.pk}/goals/"
    created = mentee.post(url, {"title": "Ship a portfolio", "due_on": "2030-01-01"})
    assert created.status_code == 201
    goal = created.json()
    assert (goal["status"], goal["at_risk"], goal["milestones"]) == ("open", False, [])
    milestones = f"/api/v1/goals/{goal['id']}/milestones/"
    first = mentee.post(milestones, {"title": "Pick data"}).json()
    second = client_for(mentorship.mentor).post(milestones, {"title": "Build"}).json()
    assert (first["position"], second["position"]) == (0, 1)
    moved = mentee.patch(f"/api/v1/milestones/{second['id']}/", {"position": 0, "done": True})
    assert moved.status_code == 200 and moved.json()["position"] == 0 and moved.json()["done"]
    listed = mentee.get(url).json()
    assert listed["count"] == 1
    assert [m["title"] for m in listed["results"][0]["milestones"]] == ["Build", "Pick data"]
    assert listed["results"][0]["progress_percent"] == 50
    patched = mentee.patch(f"/api/v1/goals/{goal['id']}/", {"status": "achieved", "title": "Done"})
    assert patched.json()["status"] == "achieved" and patched.json()["title"] == "Done"
    assert mentee.patch(f"/api/v1/goals/{goal['id']}/", {"status": "won"}).status_code == 400
    assert mentee.delete(f"/api/v1/milestones/{first['id']}/").status_code == 204
    assert not Milestone.objects.filter(pk=first["id"]).exists()
    assert mentee.delete(f"/api/v1/goals/{goal['id']}/").status_code == 204
    assert not Goal.objects.filter(pk=goal["id"]).exists()
    assert client_for(UserFactory()).get(url).status_code == 404


def test_goals_api_list_queries_bounded(mentorship, django_assert_max_num_queries):
    for _ in range(15):
        goal = GoalFactory(mentorship=mentorship)
        MilestoneFactory.create_batch(3, goal=goal)
    client = client_for(mentorship.mentor)
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/mentorships/{mentorship.pk}/goals/")
    assert response.json()["count"] == 15


def test_updates_api(mentorship):
    goal = GoalFactory(mentorship=mentorship)
    url = f"/api/v1/mentorships/{mentorship.pk}/updates/"
    mentor = client_for(mentorship.mentor)
    created = mentor.post(url, {"body": "Going well", "goal_id": goal.pk, "percent": 30})
    assert created.status_code == 201
    assert (created.json()["goal_id"], created.json()["percent"]) == (goal.pk, 30)
    assert mentor.post(url, {"body": "x", "percent": 101}).status_code == 400
    foreign = GoalFactory()
    assert mentor.post(url, {"body": "x", "goal_id": foreign.pk}).status_code == 404
    assert mentor.get(url).json()["count"] == 1


def test_timeline_api_pages_with_next(mentorship, past):
    for _ in range(3):
        ProgressUpdateFactory(mentorship=mentorship)
    client = client_for(mentorship.mentee)
    url = f"/api/v1/mentorships/{mentorship.pk}/timeline/"
    first = client.get(url + "?page_size=2").json()
    assert [r["kind"] for r in first["results"]] == ["update", "update"]
    assert first["results"][0]["author"]["id"] == mentorship.mentee.pk
    assert first["next"]
    second = client.get(first["next"]).json()
    assert [r["kind"] for r in second["results"]] == ["update", "session"]
    assert second["next"] is None
    assert client.get(url + "?cursor=bad").status_code == 400
    assert client.get(url + "?page_size=0").status_code == 400


def test_me_mentoring_overview_api(mentorship):
    session = MentorSessionFactory(mentorship=mentorship)
    ActionItemFactory(mentorship=mentorship)
    mentor_view = client_for(mentorship.mentor).get("/api/v1/me/mentoring-overview/").json()
    assert mentor_view["mentees"] == [
        {
            "mentorship_id": mentorship.pk,
            "mentee": {
                "id": mentorship.mentee.pk,
                "name": mentorship.mentee.display_name,
                "avatar_url": None,
            },
            "next_session_id": session.pk,
            "next_session_at": session.starts_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "open_action_items": 1,
            "goals_at_risk": 0,
        }
    ]
    mentee_view = client_for(mentorship.mentee).get("/api/v1/me/mentoring-overview/").json()
    assert mentee_view["mentees"] == [] and mentee_view["pending_requests"] == 0
    upcoming = mentee_view["upcoming_sessions"]
    assert [(s["id"], s["can_join"]) for s in upcoming] == [(session.pk, False)]
    assert APIClient().get("/api/v1/me/mentoring-overview/").status_code == 401
