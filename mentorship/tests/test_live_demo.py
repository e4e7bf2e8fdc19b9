"""The demo's live classes: a scheduled one in two days and an ended one with a recording,
for a course the demo student takes and the demo mentor teaches; twice gives the same."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory
from dashboards.demo_mentoring_live import ENDED, RECORDING_URL, UPCOMING, seed_live_classes
from enrollments.tests.factories import EnrollmentFactory
from mentorship.models import LiveClass

pytestmark = pytest.mark.django_db


def test_seed_live_classes_is_idempotent_and_through_the_services(
    django_capture_on_commit_callbacks,
):
    mentor = UserFactory(roles=("Mentor",))
    student = UserFactory()
    other = CourseFactory(instructors=[mentor])  # the student does not take it
    course = CourseFactory(instructors=[mentor])
    EnrollmentFactory(user=student, course=course)
    courses = {"other": other, "python-basics": course}
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            seed_live_classes(courses=courses, mentor=mentor, student=student)
    rows = {live.title: live for live in LiveClass.objects.filter(course=course)}
    assert set(rows) == {UPCOMING, ENDED} and LiveClass.objects.count() == 2
    upcoming, ended = rows[UPCOMING], rows[ENDED]
    assert upcoming.status == "scheduled" and upcoming.host == mentor
    assert timezone.now() + timedelta(days=1) < upcoming.starts_at
    assert upcoming.stream_key and upcoming.chat_room_id
    assert ended.status == "ended" and ended.recording_url == RECORDING_URL
    assert ended.ended_at < timezone.now() - timedelta(days=2)
