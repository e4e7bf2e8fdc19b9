"""The demo's mentoring progress: past sessions with notes and a rating, action items, a goal
with milestones and updates; seeding twice changes nothing."""

import pytest

from accounts.tests.factories import UserFactory
from dashboards.demo_mentoring_progress import GOAL, seed_mentoring_progress
from mentorship.models import ActionItem, Goal, MentorSession, ProgressUpdate, SessionNote
from mentorship.selectors.progress import goal_list
from mentorship.tests.factories import MentorProfileFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        MentorSession.objects.count(),
        SessionNote.objects.count(),
        ActionItem.objects.count(),
        Goal.objects.count(),
        ProgressUpdate.objects.count(),
    )


def test_seed_mentoring_progress_fills_the_demo_mentorship_once():
    mentor = MentorProfileFactory(user__email="mentor@example.com").user
    student = UserFactory(email="student@example.com")
    mentorship = MentorshipFactory(mentor=mentor, mentee=student)
    seed_mentoring_progress(mentors=[mentor], student=student)
    first = _counts()
    assert first == (2, 4, 2, 1, 2)
    seed_mentoring_progress(mentors=[mentor], student=student)
    assert _counts() == first
    sessions = list(MentorSession.objects.filter(mentorship=mentorship).order_by("starts_at"))
    assert [s.status for s in sessions] == ["completed", "completed"]
    assert sessions[-1].rating == 5
    assert SessionNote.objects.filter(visibility="shared").count() == 2
    assert ActionItem.objects.filter(done_at__isnull=False).count() == 1
    goal = goal_list(mentorship=mentorship).get()
    assert goal.title == GOAL and not goal.at_risk
    assert [m.done_at is not None for m in goal.milestones.all()] == [True, False, False]


def test_seed_mentoring_progress_without_the_mentorship_does_nothing():
    student = UserFactory()
    seed_mentoring_progress(mentors=[], student=student)
    assert _counts() == (0, 0, 0, 0, 0)
