"""Site side of mentoring progress: the session and mentorship page parts, the POST actions
(back to the page with a message) and the timeline page with "load more"."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from mentorship.models import ActionItem, Goal, Milestone, ProgressUpdate, SessionNote
from mentorship.pages import (
    MENTORSHIP_PAGE_PARTS,
    SESSION_PAGE_PARTS,
    mentorship_page_context,
    session_page_context,
)
from mentorship.parts_progress import mentorship_progress_part, session_outcome_part
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


def _request(user, path="/mentoring/page/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def _past_session(**kwargs):
    start = timezone.now() - timedelta(hours=2)
    return MentorSessionFactory(starts_at=start, ends_at=start + timedelta(hours=1), **kwargs)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _last_message(response) -> str:
    """Messages pile up while the redirects are not followed: the newest one."""
    return _messages(response)[-1]


def test_page_parts_are_registered():
    assert session_outcome_part in SESSION_PAGE_PARTS
    assert mentorship_progress_part in MENTORSHIP_PAGE_PARTS


def test_session_outcome_part_for_mentee_after_the_start():
    session = _past_session()
    SessionNoteFactory(session=session, visibility="shared", body="Shared one")
    SessionNoteFactory(session=session, body="Mentor's secret")
    request = _request(session.mentee)
    context = session_page_context(request=request, session=session)
    html = render_to_string("mentorship/sessions/_outcome.html", context, request=request)
    assert "Shared one" in html and "Mentor's secret" not in html
    assert f'action="/mentoring/sessions/{session.pk}/rate/"' in html
    assert "My mentor did not come" in html
    assert 'value="shared"' not in html  # a mentee's own notes stay private


def test_session_outcome_part_for_mentor_before_the_start_and_feedback():
    session = MentorSessionFactory()
    request = _request(session.mentor)
    html = render_to_string(
        "mentorship/sessions/_outcome.html",
        session_outcome_part(request=request, session=session),
        request=request,
    )
    assert "/rate/" not in html and "did not come" not in html
    assert "No rating yet" in html and 'value="shared"' in html
    rated = _past_session(rating=5, feedback="Brilliant")
    request = _request(rated.mentor)
    html = render_to_string(
        "mentorship/sessions/_outcome.html",
        session_outcome_part(request=request, session=rated),
        request=request,
    )
    assert "Brilliant" in html and "5/5" in html


def test_mentorship_progress_part_renders_goals_items_and_timeline(
    django_assert_max_num_queries,
):
    mentorship = MentorshipFactory()
    for n in range(8):
        goal = GoalFactory(mentorship=mentorship, title=f"Goal {n}")
        MilestoneFactory.create_batch(3, goal=goal)
        MilestoneFactory(goal=goal, done_at=timezone.now())
        ActionItemFactory(mentorship=mentorship)
        ProgressUpdateFactory(mentorship=mentorship, goal=goal)
    request = _request(mentorship.mentee)
    with django_assert_max_num_queries(12):
        context = mentorship_page_context(request=request, mentorship=mentorship)
        html = render_to_string("mentorship/mentorships/_progress.html", context, request=request)
    assert html.count('class="goal"') == 8
    assert 'value="25"' in html  # one of four milestones done
    assert 'id="timeline-more"' in html  # more than the page shows
    assert "Add a goal" in html


def test_mentorship_progress_part_is_read_only_for_staff_and_ended():
    mentorship = MentorshipFactory(status="ended")
    GoalFactory(mentorship=mentorship)
    request = _request(mentorship.mentor)
    html = render_to_string(
        "mentorship/mentorships/_progress.html",
        mentorship_progress_part(request=request, mentorship=mentorship),
        request=request,
    )
    assert "Add a goal" not in html and "has ended" in html


def test_note_add_goes_back_with_message_and_errors(client):
    session = _past_session()
    client.force_login(session.mentor)
    back = f"/mentoring/sessions/{session.pk}/"
    url = f"/mentoring/sessions/{session.pk}/notes/add/"
    response = client.post(url, {"body": "We met", "visibility": "shared", "next": back})
    assert response.status_code == 302 and response.url == back
    assert _messages(response) == ["Note saved."]
    assert SessionNote.objects.get().visibility == "shared"
    # another site's "next" is ignored: back to the session page
    response = client.post(url, {"body": "", "next": "https://evil.example/"})
    assert response.url == back
    assert "Note" in _last_message(response) and "required" in _last_message(response)


def test_note_edit_page_keeps_input_and_only_author(client):
    note = SessionNoteFactory(session=_past_session())
    url = f"/mentoring/sessions/{note.session_id}/notes/{note.pk}/edit/"
    client.force_login(note.session.mentee)
    assert client.get(url).status_code == 404
    client.force_login(note.session.mentor)
    page = client.get(url + "?next=javascript:alert(1)")
    assert page.status_code == 200 and 'href="javascript:' not in page.content.decode()
    invalid = client.post(url, {"body": "", "visibility": "private"})
    assert invalid.status_code == 200 and "errorlist" in invalid.content.decode()
    saved = client.post(url, {"body": "Better", "visibility": "private"})
    assert saved.status_code == 302
    note.refresh_from_db()
    assert note.body == "Better"


def test_rate_and_no_show_actions(client):
    session = _past_session()
    client.force_login(session.mentee)
    response = client.post(f"/mentoring/sessions/{session.pk}/rate/", {"rating": "4"})
    assert response.status_code == 302
    assert _messages(response) == ["Thank you for rating the session."]
    response = client.post(f"/mentoring/sessions/{session.pk}/no-show/", {"party": "mentee"})
    assert _last_message(response) == "You cannot mark yourself absent."
    client.post(f"/mentoring/sessions/{session.pk}/no-show/", {"party": "mentor"})
    session.refresh_from_db()
    assert (session.rating, session.status, session.no_show_party) == (4, "no_show", "mentor")


def test_refusals_on_the_site(client):
    session = _past_session()
    client.force_login(UserFactory())
    assert (
        client.post(f"/mentoring/sessions/{session.pk}/rate/", {"rating": "4"}).status_code == 404
    )
    client.force_login(UserFactory(is_staff=True, roles=("Admin",)))
    goal = GoalFactory(mentorship=session.mentorship)
    response = client.post(f"/mentoring/{session.mentorship_id}/goals/{goal.pk}/delete/")
    assert response.status_code == 403
    other = GoalFactory()
    client.force_login(session.mentor)
    response = client.post(f"/mentoring/{session.mentorship_id}/goals/{other.pk}/delete/")
    assert response.status_code == 404


def test_goal_milestone_update_and_action_item_actions(client):
    mentorship = MentorshipFactory()
    m = f"/mentoring/{mentorship.pk}"
    client.force_login(mentorship.mentee)
    client.post(f"{m}/goals/add/", {"title": "Portfolio", "due_on": "2030-01-01"})
    goal = Goal.objects.get()
    client.post(f"{m}/goals/{goal.pk}/edit/", {"title": "Portfolio site"})
    client.post(f"{m}/goals/{goal.pk}/status/", {"status": "dropped"})
    goal.refresh_from_db()
    assert (goal.title, goal.status, goal.due_on) == ("Portfolio site", "dropped", None)
    client.post(f"{m}/goals/{goal.pk}/milestones/add/", {"title": "One"})
    client.post(f"{m}/goals/{goal.pk}/milestones/add/", {"title": "Two"})
    two = Milestone.objects.get(title="Two")
    client.post(f"{m}/goals/milestones/{two.pk}/move/", {"direction": "up"})
    assert list(goal.milestones.values_list("title", flat=True)) == ["Two", "One"]
    client.post(f"{m}/goals/milestones/{two.pk}/done/", {"done": "on"})
    assert Milestone.objects.get(pk=two.pk).done_at is not None
    client.post(f"{m}/goals/milestones/{two.pk}/done/", {})
    assert Milestone.objects.get(pk=two.pk).done_at is None
    client.post(f"{m}/goals/milestones/{two.pk}/delete/")
    assert not Milestone.objects.filter(pk=two.pk).exists()
    response = client.post(
        f"{m}/updates/add/", {"body": "Half way", "goal": goal.pk, "percent": 50}
    )
    assert _last_message(response) == "Update posted."
    assert ProgressUpdate.objects.get().goal == goal
    response = client.post(f"{m}/updates/add/", {"body": "x", "percent": 500})
    assert "Progress (%)" in _last_message(response)
    client.post(f"{m}/action-items/add/", {"title": "Write", "owner": "mentor"})
    item = ActionItem.objects.get()
    assert item.owner == mentorship.mentor
    client.post(f"{m}/action-items/{item.pk}/done/", {"done": "on"})
    assert ActionItem.objects.get().done_at is not None
    client.post(f"{m}/action-items/{item.pk}/delete/")
    client.post(f"{m}/goals/{goal.pk}/delete/")
    assert not ActionItem.objects.exists() and not Goal.objects.exists()


def test_timeline_page_and_load_more(client):
    mentorship = MentorshipFactory()
    for n in range(25):
        ProgressUpdateFactory(mentorship=mentorship, body=f"Update number {n}")
    client.force_login(mentorship.mentor)
    url = f"/mentoring/{mentorship.pk}/timeline/"
    html = client.get(url).content.decode()
    assert html.count("<h1") == 1 and html.count("timeline__item--update") == 20
    cursor = html.split("?cursor=", 1)[1].split('"', 1)[0]
    more = client.get(f"{url}?cursor={cursor}", HTTP_HX_REQUEST="true").content.decode()
    assert "<h1" not in more and more.count("timeline__item--update") == 5
    assert "timeline-more" not in more
    assert client.get(f"{url}?cursor=broken").status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
