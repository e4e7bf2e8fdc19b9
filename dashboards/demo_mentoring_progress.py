"""Demo notes, action items, goals and milestones (progress area): what the demo student's
mentorship with the demo mentor has produced so far. Idempotent: each row is found by its
mentorship and its text before it is made."""

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from mentorship.models import ActionItem, Goal, MentorSession, Mentorship, ProgressUpdate
from mentorship.services import goals as goal_services
from mentorship.services import outcomes

DEMO_MENTOR_EMAIL = "mentor@example.com"
GOAL = "Ship a portfolio project"
# Past sessions: days ago and agenda (booking refuses the past, so the rows are written here).
PAST_SESSIONS = ((10, "Kick-off: what you want from mentoring"), (3, "Portfolio project plan"))


def _past_session(mentorship: Mentorship, days_ago: int, agenda: str) -> MentorSession:
    existing = MentorSession.objects.filter(mentorship=mentorship, agenda=agenda).first()
    if existing is not None:
        return existing
    day = timezone.localdate() - timedelta(days=days_ago)
    start = datetime.combine(day, time(10, 0), tzinfo=UTC)
    session = MentorSession(
        mentorship=mentorship,
        mentor=mentorship.mentor,
        mentee=mentorship.mentee,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        status=MentorSession.Status.COMPLETED,
        agenda=agenda,
        booked_by=mentorship.mentee,
    )
    session.full_clean()
    session.save()
    return session


def _notes(session: MentorSession) -> None:
    if session.notes.exists():
        return
    outcomes.session_note_create(
        session=session,
        author=session.mentor,
        body="We agreed on a portfolio project: a small data dashboard with a write-up. "
        "Start from the course's final exercise.",
        visibility="shared",
    )
    outcomes.session_note_create(
        session=session,
        author=session.mentor,
        body="Confident with Python; needs practice explaining results. Push for a short demo.",
    )


def _action_items(mentorship: Mentorship, session: MentorSession) -> None:
    today = timezone.localdate()
    items = (
        ("Pick a dataset and share the link", today - timedelta(days=1), True),
        ("Draft the project README", today + timedelta(days=4), False),
    )
    for title, due_on, done in items:
        if ActionItem.objects.filter(mentorship=mentorship, title=title).exists():
            continue
        item = outcomes.action_item_create(
            mentorship=mentorship,
            by=mentorship.mentor,
            title=title,
            owner=mentorship.mentee,
            due_on=due_on,
            session=session,
        )
        if done:
            outcomes.action_item_complete(item=item, by=mentorship.mentee)


def _goal(mentorship: Mentorship) -> Goal:
    goal = Goal.objects.filter(mentorship=mentorship, title=GOAL).first()
    if goal is None:
        goal = goal_services.goal_create(
            mentorship=mentorship,
            by=mentorship.mentee,
            title=GOAL,
            description="A dashboard project with a write-up to show employers.",
            due_on=timezone.localdate() + timedelta(days=45),
        )
    today = timezone.localdate()
    milestones = (
        ("Choose the dataset", today - timedelta(days=2), True),
        ("First working dashboard", today + timedelta(days=5), False),
        ("Write-up and a short demo video", today + timedelta(days=30), False),
    )
    for title, due_on, done in milestones:
        if goal.milestones.filter(title=title).exists():
            continue
        milestone = goal_services.milestone_add(
            goal=goal, by=mentorship.mentee, title=title, due_on=due_on
        )
        if done:
            goal_services.milestone_complete(milestone=milestone, by=mentorship.mentee)
    return goal


def _updates(mentorship: Mentorship, goal: Goal) -> None:
    updates = (
        (mentorship.mentee, "Dataset chosen: city bike trips. Cleaning it now.", 20),
        (mentorship.mentor, "Good pick. Keep the first dashboard to three charts.", None),
    )
    for author, body, percent in updates:
        if ProgressUpdate.objects.filter(mentorship=mentorship, body=body).exists():
            continue
        goal_services.progress_update_create(
            mentorship=mentorship, by=author, body=body, goal=goal, percent=percent
        )


def seed_mentoring_progress(*, mentors: list[Any], student: Any) -> None:
    """Past sessions with notes and a rating, action items, a goal with milestones and
    updates, for the demo student's active mentorship with the demo mentor (if there is one)."""
    mentorship = (
        Mentorship.objects.select_related("mentor", "mentee")
        .filter(
            mentee=student,
            mentor__email=DEMO_MENTOR_EMAIL,
            status=Mentorship.Status.ACTIVE,
        )
        .first()
    )
    if mentorship is None:
        return
    sessions = [_past_session(mentorship, days, agenda) for days, agenda in PAST_SESSIONS]
    for session in sessions:
        _notes(session)
    latest = sessions[-1]
    if latest.rating is None:
        outcomes.session_rate(
            session=latest,
            by=mentorship.mentee,
            rating=5,
            feedback="Clear plan and honest feedback on my idea. Thank you!",
        )
    _action_items(mentorship, latest)
    _updates(mentorship, _goal(mentorship))
