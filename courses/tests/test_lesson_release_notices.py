"""Lessons that open later are announced when they open: on their release date (beat), or,
for lessons that open some days after enrolment, to each student on their own day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses import tasks as course_tasks
from courses.models import Lesson
from courses.services import authoring
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from enrollments import tasks as enrollment_tasks
from enrollments.models import Enrollment
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(mentor):
    course = CourseFactory(instructors=[mentor], title="Statistics")
    LessonFactory(module=ModuleFactory(course=course, order=0), order=0, title="Means")
    return course


def _enrol(course, *, days_ago: float):
    enrollment = Enrollment.objects.create(user=UserFactory(), course=course)
    created = timezone.now() - timedelta(days=days_ago)
    Enrollment.objects.filter(pk=enrollment.pk).update(created_at=created)
    return enrollment.user


def _told(title: str) -> list[str]:
    return sorted(
        Notification.objects.filter(kind="courses.updated", body__contains=title).values_list(
            "recipient__email", flat=True
        )
    )


def _publish_new_lesson(mentor, course, title: str, **release):
    lesson = authoring.lesson_create(
        user=mentor, module=course.modules.get(), title=title, content="Body", **release
    )
    authoring.lesson_set_published(user=mentor, lesson=lesson, published=True)
    return lesson


def test_a_lesson_released_on_a_later_date_is_announced_when_the_date_comes(
    course, mentor, django_capture_on_commit_callbacks
):
    student = _enrol(course, days_ago=3)
    opens = timezone.now() + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        lesson = _publish_new_lesson(
            mentor, course, "Variance", release=Lesson.Release.ON_DATE, release_date=opens
        )

    # published, but closed until its date: nobody is told yet, and beat finds nothing due
    assert _told("Variance") == []
    assert course_tasks.lessons_announce_due_task.run() == 0
    lesson.refresh_from_db()
    assert lesson.announced_at is None

    Lesson.objects.filter(pk=lesson.pk).update(release_date=timezone.now() - timedelta(minutes=1))
    assert course_tasks.lessons_announce_due_task.run() == 1
    assert _told("Variance") == [student.email]
    assert course_tasks.lessons_announce_due_task.run() == 0  # once


def test_a_drip_lesson_is_announced_to_each_student_on_the_day_it_opens_for_them(
    course, mentor, django_capture_on_commit_callbacks
):
    veteran = _enrol(course, days_ago=10)
    newcomer = _enrol(course, days_ago=1)
    with django_capture_on_commit_callbacks(execute=True):
        lesson = _publish_new_lesson(
            mentor, course, "Outliers", release=Lesson.Release.AFTER_DAYS, release_days=7
        )

    # at publish, only the student it is already open to
    assert _told("Outliers") == [veteran.email]
    lesson.refresh_from_db()
    assert lesson.announced_at is not None

    # a day before the newcomer's seventh day, beat tells nobody new
    assert enrollment_tasks.drip_lessons_announce_task.run() == 0
    # on it (the enrolment moved back six days: the lesson opened for them an hour ago)
    Enrollment.objects.filter(user=newcomer).update(
        created_at=timezone.now() - timedelta(days=7, hours=1)
    )
    assert enrollment_tasks.drip_lessons_announce_task.run() == 1
    assert _told("Outliers") == sorted([veteran.email, newcomer.email])
    # the next runs overlap the window: still once each
    enrollment_tasks.drip_lessons_announce_task.run()
    assert len(_told("Outliers")) == 2
