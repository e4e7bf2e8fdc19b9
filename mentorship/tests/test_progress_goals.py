"""Goals, milestones, progress updates, and the one definition of a goal at risk."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from mentorship.models import Goal, Mentorship, Milestone
from mentorship.selectors.progress import goal_list, goal_progress_percent
from mentorship.services import goals as services
from mentorship.tests.factories import (
    GoalFactory,
    MentorshipFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db


def test_goal_create_by_either_participant_and_not_others():
    mentorship = MentorshipFactory()
    due = timezone.localdate() + timedelta(days=30)
    goal = services.goal_create(
        mentorship=mentorship, by=mentorship.mentee, title=" Ship it ", due_on=due
    )
    assert (goal.title, goal.due_on, goal.created_by) == ("Ship it", due, mentorship.mentee)
    services.goal_create(mentorship=mentorship, by=mentorship.mentor, title="Another")
    with pytest.raises(PermissionDenied):
        services.goal_create(mentorship=mentorship, by=UserFactory(), title="Nope")
    ended = MentorshipFactory(status=Mentorship.Status.ENDED)
    with pytest.raises(Conflict):
        services.goal_create(mentorship=ended, by=ended.mentor, title="Late")


def test_goal_update_set_status_and_delete():
    goal = GoalFactory()
    mentor = goal.mentorship.mentor
    services.goal_update(goal=goal, by=mentor, title="Renamed", description="Why", due_on=None)
    services.goal_set_status(goal=goal, by=goal.mentorship.mentee, status="achieved")
    goal.refresh_from_db()
    assert (goal.title, goal.description, goal.status) == ("Renamed", "Why", "achieved")
    with pytest.raises(ValidationError):
        services.goal_set_status(goal=goal, by=mentor, status="finished")
    services.goal_delete(goal=goal, by=mentor)
    assert not Goal.objects.filter(pk=goal.pk).exists()


def test_milestone_add_appends_and_reorder_moves():
    goal = GoalFactory()
    by = goal.mentorship.mentee
    first, second, third = (
        services.milestone_add(goal=goal, by=by, title=title) for title in ("A", "B", "C")
    )
    assert [first.position, second.position, third.position] == [0, 1, 2]
    services.milestone_reorder(goal=goal, by=by, milestone_ids=[third.pk, first.pk, second.pk])
    assert list(goal.milestones.values_list("title", flat=True)) == ["C", "A", "B"]
    services.milestone_move(milestone=third, by=by, offset=1)
    assert list(goal.milestones.values_list("title", flat=True)) == ["A", "C", "B"]
    services.milestone_set_position(milestone=first, by=by, position=99)
    assert list(goal.milestones.values_list("title", flat=True)) == ["C", "B", "A"]
    with pytest.raises(ValidationError):
        services.milestone_reorder(goal=goal, by=by, milestone_ids=[first.pk, second.pk])
    with pytest.raises(ValidationError):
        services.milestone_reorder(
            goal=goal, by=by, milestone_ids=[first.pk, second.pk, MilestoneFactory().pk]
        )


def test_milestone_complete_reopen_update_delete_and_percent():
    goal = GoalFactory()
    by = goal.mentorship.mentor
    done = MilestoneFactory(goal=goal)
    MilestoneFactory(goal=goal)
    services.milestone_complete(milestone=done, by=by)
    fetched = goal_list(mentorship=goal.mentorship).get()
    assert goal_progress_percent(fetched) == 50
    services.milestone_reopen(milestone=done, by=by)
    assert done.done_at is None
    services.milestone_update(milestone=done, by=by, title="Renamed")
    assert Milestone.objects.get(pk=done.pk).title == "Renamed"
    services.milestone_delete(milestone=done, by=by)
    with pytest.raises(PermissionDenied):
        services.milestone_complete(milestone=Milestone.objects.get(goal=goal), by=UserFactory())


def test_progress_update_create_with_goal_and_percent():
    goal = GoalFactory()
    mentorship = goal.mentorship
    update = services.progress_update_create(
        mentorship=mentorship, by=mentorship.mentor, body="Going well", goal=goal, percent=40
    )
    assert (update.goal, update.percent, update.author) == (goal, 40, mentorship.mentor)
    with pytest.raises(ValidationError) as info:
        services.progress_update_create(
            mentorship=mentorship, by=mentorship.mentee, body="x", goal=GoalFactory()
        )
    assert "goal" in info.value.errors
    with pytest.raises(Exception) as bad:
        services.progress_update_create(
            mentorship=mentorship, by=mentorship.mentee, body="x", percent=120
        )
    assert "percent" in bad.value.message_dict  # type: ignore[attr-defined]


# --- at risk -------------------------------------------------------------------------------


def _at_risk(mentorship) -> dict[str, bool]:
    return {g.title: g.at_risk for g in goal_list(mentorship=mentorship)}


def _age(goal, days: int) -> None:
    Goal.objects.filter(pk=goal.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_goal_at_risk_definition():
    mentorship = MentorshipFactory()
    today = timezone.localdate()
    fresh = GoalFactory(mentorship=mentorship, title="fresh", due_on=today + timedelta(days=5))
    GoalFactory(mentorship=mentorship, title="overdue", due_on=today - timedelta(days=1))
    late_step = GoalFactory(mentorship=mentorship, title="late milestone")
    MilestoneFactory(goal=late_step, due_on=today - timedelta(days=2))
    done_step = GoalFactory(mentorship=mentorship, title="late milestone done")
    MilestoneFactory(goal=done_step, due_on=today - timedelta(days=2), done_at=timezone.now())
    stale = GoalFactory(mentorship=mentorship, title="stale")
    _age(stale, 22)
    reported = GoalFactory(mentorship=mentorship, title="old but reported")
    _age(reported, 40)
    ProgressUpdateFactory(mentorship=mentorship, goal=reported)
    achieved = GoalFactory(
        mentorship=mentorship,
        title="achieved",
        status="achieved",
        due_on=today - timedelta(days=9),
    )
    _age(achieved, 60)
    young = GoalFactory(mentorship=mentorship, title="young")
    _age(young, 20)
    assert fresh.pk
    assert _at_risk(mentorship) == {
        "fresh": False,
        "overdue": True,
        "late milestone": True,
        "late milestone done": False,
        "stale": True,
        "old but reported": False,
        "achieved": False,
        "young": False,
    }
