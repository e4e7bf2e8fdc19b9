"""The homes' mentoring widgets: the mentor's mentees at a glance, a mentee's next sessions."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from mentorship.models import Goal
from mentorship.selectors.home import mentee_upcoming_sessions, mentor_mentees
from mentorship.tests.factories import (
    ActionItemFactory,
    GoalFactory,
    MentorProfileFactory,
    MentorSessionFactory,
    MentorshipFactory,
    MentorshipRequestFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor():
    return MentorProfileFactory(capacity=200).user


def _mentee_with_everything(mentor, n: int):
    mentorship = MentorshipFactory(mentor=mentor)
    start = timezone.now() + timedelta(days=1, hours=2 * n)
    session = MentorSessionFactory(
        mentorship=mentorship, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    ActionItemFactory.create_batch(2, mentorship=mentorship)
    ActionItemFactory(mentorship=mentorship, done_at=timezone.now())
    GoalFactory(mentorship=mentorship, due_on=timezone.localdate() - timedelta(days=1))
    GoalFactory(mentorship=mentorship)
    return mentorship, session


def test_mentor_mentees_counts_and_next_session(mentor):
    first, first_session = _mentee_with_everything(mentor, 0)
    second, _ = _mentee_with_everything(mentor, 1)
    idle = MentorshipFactory(mentor=mentor)
    MentorshipFactory(mentor=mentor, status="ended")
    MentorshipFactory(mentor=mentor, status="paused")
    rows = mentor_mentees(mentor=mentor)
    assert [m.pk for m in rows] == [first.pk, second.pk, idle.pk]
    top = rows[0]
    assert (top.next_session_id, top.next_session_at) == (first_session.pk, first_session.starts_at)
    assert (top.open_action_items, top.goals_at_risk) == (2, 1)
    assert (rows[2].next_session_at, rows[2].open_action_items, rows[2].goals_at_risk) == (
        None,
        0,
        0,
    )
    Goal.objects.filter(mentorship=first).update(status="achieved")
    assert mentor_mentees(mentor=mentor)[0].goals_at_risk == 0


def test_mentee_upcoming_sessions_next_three_with_join(mentor):
    mentorship = MentorshipFactory(mentor=mentor)
    now = timezone.now()
    live = MentorSessionFactory(
        mentorship=mentorship,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(minutes=55),
    )
    later = [
        MentorSessionFactory(
            mentorship=mentorship,
            starts_at=now + timedelta(days=d),
            ends_at=now + timedelta(days=d, hours=1),
        )
        for d in (1, 2, 3)
    ]
    MentorSessionFactory(
        mentorship=mentorship,
        starts_at=now + timedelta(days=4),
        ends_at=now + timedelta(days=4, hours=1),
        status="cancelled",
    )
    rows = mentee_upcoming_sessions(user=mentorship.mentee)
    assert [(r.session.pk, r.can_join) for r in rows] == [
        (live.pk, True),
        (later[0].pk, False),
        (later[1].pk, False),
    ]


def test_mentor_home_shows_mentees_and_pending_requests(client, mentor):
    mentorship, _ = _mentee_with_everything(mentor, 0)
    MentorshipRequestFactory(mentor=mentor)
    client.force_login(mentor)
    html = client.get("/").content.decode()
    card = html.split('id="mentees"', 1)[1].split("</section>", 1)[0]
    assert mentorship.mentee.display_name in card
    assert "Pending requests (1)" in card and 'href="/mentoring/requests/"' in card
    assert 'class="badge badge--warn">1<' in card


def test_mentor_home_queries_do_not_grow_with_mentees(
    client, mentor, django_assert_max_num_queries
):
    _mentee_with_everything(mentor, 0)
    client.force_login(mentor)
    client.get("/")
    with django_assert_max_num_queries(40) as one:
        client.get("/")
    for n in range(1, 25):
        _mentee_with_everything(mentor, n)
    with django_assert_max_num_queries(len(one)):
        html = client.get("/").content.decode()
    assert html.count('class="mentee-row"') == 25


def test_student_home_shows_upcoming_sessions_or_what_to_do(
    client, django_capture_on_commit_callbacks
):
    student = UserFactory(timezone="Asia/Kolkata")
    client.force_login(student)
    html = client.get("/").content.decode()
    assert 'id="upcoming-sessions"' in html and "No sessions booked" in html
    # the cached rows are retired when the writing transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        session = MentorSessionFactory(mentorship__mentee=student)
    html = client.get("/").content.decode()
    card = html.split('id="upcoming-sessions"', 1)[1].split("</section>", 1)[0]
    assert session.mentor.display_name in card
    assert f'href="/mentoring/sessions/{session.pk}/"' in card
    assert "Join" not in card  # tomorrow: not open yet
    local = timezone.localtime(session.starts_at, timezone=ZoneInfo("Asia/Kolkata"))
    assert local.isoformat() in card


def _sessions_card(client) -> str:
    html = client.get("/").content.decode()
    return html.split('id="upcoming-sessions"', 1)[1].split("</section>", 1)[0]


@pytest.mark.django_db(transaction=True)
def test_student_home_upcoming_sessions_follow_changes(client, django_assert_max_num_queries):
    # each write commits, as the services' do: the cached rows are retired on commit
    student = UserFactory()
    client.force_login(student)
    session = MentorSessionFactory(mentorship__mentee=student)
    assert session.mentor.display_name in _sessions_card(client)
    with django_assert_max_num_queries(0):  # cached with the signed-in user's parts
        mentee_upcoming_sessions(user=student)
    session.mentor.name = "Renamed Mentor"
    session.mentor.save()
    assert "Renamed Mentor" in _sessions_card(client)
    later = MentorSessionFactory(
        mentorship=session.mentorship,
        starts_at=session.starts_at + timedelta(days=1),
        ends_at=session.ends_at + timedelta(days=1),
    )
    session.status = "cancelled"
    session.save()
    card = _sessions_card(client)
    assert f"/mentoring/sessions/{later.pk}/" in card
    assert f"/mentoring/sessions/{session.pk}/" not in card
    later.delete()
    assert "No sessions booked" in _sessions_card(client)
