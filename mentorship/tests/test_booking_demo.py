"""The demo's weekly hours and the demo student's session tomorrow, seeded twice."""

import pytest

from accounts.tests.factories import UserFactory
from dashboards.demo_mentoring_sessions import seed_mentoring_sessions
from mentorship.models import AvailabilityRule, MentorSession, Mentorship
from mentorship.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db


def test_seed_mentoring_sessions_is_idempotent_and_books_tomorrow():
    mentors = [
        MentorProfileFactory(timezone=zone, min_notice_minutes=120)
        for zone in ("Asia/Kolkata", "America/New_York", "Europe/Berlin")
    ]
    student = UserFactory()
    for _ in range(2):
        seed_mentoring_sessions(mentors=mentors, student=student, learners=[])
    assert AvailabilityRule.objects.count() == 3
    assert len(set(AvailabilityRule.objects.values_list("start_time", flat=True))) == 3
    mentorship = Mentorship.objects.get(mentee=student)
    assert mentorship.mentor_id == mentors[0].user_id and mentorship.status == "active"
    session = MentorSession.objects.get(mentorship=mentorship, status="booked")
    assert session.booked_by == student


def test_seed_mentoring_sessions_without_mentors_creates_nothing():
    seed_mentoring_sessions(mentors=[], student=UserFactory(), learners=[])
    assert not Mentorship.objects.exists() and not AvailabilityRule.objects.exists()
