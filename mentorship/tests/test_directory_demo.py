"""The directory's demo data: three mentors in three zones, the demo student's active
mentorship and preferences, a learner's pending request; seeding twice changes nothing."""

import pytest

from accounts.demo import seed_demo_users
from accounts.models import User
from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory, TagFactory
from dashboards.demo_mentoring_directory import seed_mentors
from mentorship.models import LearnerPreference, MentorProfile, Mentorship, MentorshipRequest

pytestmark = pytest.mark.django_db


def test_seed_mentors_is_idempotent_and_complete():
    tags = {s: TagFactory(slug=s, name=s) for s in ("python", "web", "data", "sql", "design", "ux")}
    seed_demo_users()
    mentor = User.objects.get(email="mentor@example.com")
    student = User.objects.get(email="student@example.com")
    course = CourseFactory(
        slug="python-basics", instructors=[mentor], tags=[tags["python"], tags["web"]]
    )
    learner = UserFactory()
    for _ in range(2):
        profiles = seed_mentors(
            courses={"python-basics": course}, mentor=mentor, student=student, learners=[learner]
        )
    assert [p.timezone for p in profiles] == ["Asia/Kolkata", "Europe/Berlin", "America/Chicago"]
    assert MentorProfile.objects.count() == 3
    demo = MentorProfile.objects.get(user=mentor)
    assert {t.slug for t in demo.expertise.all()} == {"python", "web"}
    berlin = MentorProfile.objects.get(user__email="mentor.berlin@example.com")
    assert berlin.user.check_password("kalpla-demo-pass")
    assert sorted(berlin.languages.values_list("code", flat=True)) == ["de", "en"]
    mentorship = Mentorship.objects.get(mentor=mentor, mentee=student)
    assert mentorship.status == "active" and mentorship.course == course
    assert MentorshipRequest.objects.filter(mentee=student, status="accepted").count() == 1
    assert MentorshipRequest.objects.filter(mentee=learner, status="pending").count() == 1
    assert LearnerPreference.objects.get(user=student).languages == ["en", "hi"]
