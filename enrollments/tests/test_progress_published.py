"""Progress counts the course's published lessons as they are now: publishing, unpublishing,
deleting lessons or making them optional moves everyone's progress; a completed course that
grew shows "new lessons since you finished"."""

import pytest
from django.urls import reverse

from courses.models import Lesson
from courses.services import authoring
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from enrollments import services
from enrollments.models import Enrollment
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(mentor):
    course = CourseFactory(instructors=[mentor], slug="stats", title="Statistics")
    module = ModuleFactory(course=course, order=0)
    for index in range(3):
        LessonFactory(module=module, order=index, title=f"Lesson {index}")
    return course


def _lessons(course):
    return list(Lesson.objects.filter(course=course).order_by("order", "id"))


def _complete(enrollment, lessons):
    for lesson in lessons:
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    enrollment.refresh_from_db()
    return enrollment


def _publish_two_more(course, mentor, capture):
    module = course.modules.get()
    with capture(execute=True):
        for title in ("New A", "New B"):
            lesson = authoring.lesson_create(user=mentor, module=module, title=title, content="x")
            authoring.lesson_set_published(user=mentor, lesson=lesson, published=True)


def test_progress_follows_lessons_published_later(
    course, mentor, student, django_capture_on_commit_callbacks
):
    enrollment = _complete(EnrollmentFactory(user=student, course=course), _lessons(course)[:1])
    assert enrollment.progress_percent == 33

    _publish_two_more(course, mentor, django_capture_on_commit_callbacks)

    enrollment.refresh_from_db()
    assert enrollment.progress_percent == 20  # 1 of 5


def test_a_completed_course_that_grew_stays_completed_with_new_lessons(
    client, course, mentor, student, django_capture_on_commit_callbacks
):
    enrollment = _complete(EnrollmentFactory(user=student, course=course), _lessons(course))
    assert enrollment.status == Enrollment.Status.COMPLETED
    completed_at = enrollment.completed_at
    client.force_login(student)
    assert "New lessons since you finished" not in client.get("/").content.decode()

    _publish_two_more(course, mentor, django_capture_on_commit_callbacks)

    enrollment.refresh_from_db()
    assert enrollment.progress_percent == 60
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.completed_at == completed_at
    assert enrollment.has_new_lessons
    home = client.get("/").content.decode()  # the cached list was invalidated
    assert "New lessons since you finished" in home
    assert 'aria-valuenow="60"' in home
    page = client.get(reverse("courses:detail", args=[course.slug])).content.decode()
    assert "New lessons since you finished" in page
    mine = client.get("/api/v1/me/enrollments/").json()["results"][0]
    assert mine["progress_percent"] == 60 and mine["has_new_lessons"] is True


def test_drafts_do_not_count_and_finishing_the_published_ones_completes(
    course, mentor, student, django_capture_on_commit_callbacks
):
    module = course.modules.get()
    with django_capture_on_commit_callbacks(execute=True):
        draft = authoring.lesson_create(user=mentor, module=module, title="Draft", content="x")
    enrollment = _complete(EnrollmentFactory(user=student, course=course), _lessons(course)[:3])
    assert draft.is_published is False
    assert enrollment.progress_percent == 100
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_unpublishing_or_deleting_the_last_open_lesson_completes_active_students(
    course, mentor, student, django_capture_on_commit_callbacks
):
    lessons = _lessons(course)
    enrollment = _complete(EnrollmentFactory(user=student, course=course), lessons[:2])
    services.enrollment_lesson_open(enrollment=enrollment, lesson=lessons[2])
    assert enrollment.progress_percent == 66

    with django_capture_on_commit_callbacks(execute=True):
        authoring.lesson_set_published(user=mentor, lesson=lessons[2], published=False)

    enrollment.refresh_from_db()
    assert enrollment.progress_percent == 100
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.last_lesson_id is None  # a draft is no place to resume from

    with django_capture_on_commit_callbacks(execute=True):
        authoring.lesson_set_published(user=mentor, lesson=lessons[2], published=True)
        authoring.lesson_delete(user=mentor, lesson=lessons[0])
    enrollment.refresh_from_db()
    assert enrollment.progress_percent == 50


def test_making_a_lesson_optional_moves_progress(
    course, mentor, student, django_capture_on_commit_callbacks
):
    lessons = _lessons(course)
    enrollment = _complete(EnrollmentFactory(user=student, course=course), lessons[:1])
    with django_capture_on_commit_callbacks(execute=True):
        authoring.lesson_update(user=mentor, lesson=lessons[2], data={"is_required": False})
    enrollment.refresh_from_db()
    assert enrollment.progress_percent == 50


def test_course_progress_refresh_is_one_update_whatever_the_students(
    course, django_assert_max_num_queries
):
    lessons = _lessons(course)
    for _ in range(20):
        _complete(EnrollmentFactory(course=course), lessons[:1])
    with django_assert_max_num_queries(8):
        assert services.course_progress_refresh(course_id=course.pk) == 20
    assert set(Enrollment.objects.values_list("progress_percent", flat=True)) == {33}
