"""Each reporter stores the event the conventions (issue 15, common brief) describe."""

import pytest

from analytics.models import Event
from courses.services.reviews import review_create_or_update
from courses.tests.factories import CourseFactory, LessonFactory
from enrollments import services as enrollment_services
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def _only(verb):
    rows = list(Event.objects.filter(verb=verb))
    assert len(rows) == 1, [(r.verb, r.object_type) for r in Event.objects.all()]
    return rows[0]


def test_enrollment_create_and_cancel_report_enrolled_and_unenrolled(
    student, django_capture_on_commit_callbacks
):
    course = CourseFactory(price=0)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = enrollment_services.enrollment_create(user=student, course=course)
    row = _only("enrolled")
    assert (row.actor_id, row.object_type, row.object_id, row.course_id) == (
        student.pk,
        "course",
        course.pk,
        course.pk,
    )
    assert row.context == {"source": "free"}
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_services.enrollment_cancel(enrollment=enrollment)
    assert _only("unenrolled").course_id == course.pk


def test_lesson_viewed_and_first_completion_only(student, django_capture_on_commit_callbacks):
    lesson = LessonFactory()
    LessonFactory(module=lesson.module)  # a second lesson: the course is not completed yet
    enrollment = EnrollmentFactory(user=student, course=lesson.course)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_services.enrollment_lesson_open(enrollment=enrollment, lesson=lesson)
        enrollment_services.lesson_complete(enrollment=enrollment, lesson=lesson)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_services.lesson_complete(enrollment=enrollment, lesson=lesson)
    viewed = _only("lesson_viewed")
    assert (viewed.object_type, viewed.object_id, viewed.course_id) == (
        "lesson",
        lesson.pk,
        lesson.course_id,
    )
    completed = _only("lesson_completed")
    assert completed.course_id == lesson.course_id and completed.actor_id == student.pk
    assert not Event.objects.filter(verb="course_completed").exists()


def test_course_completed_has_completion_and_duration(student, django_capture_on_commit_callbacks):
    lesson = LessonFactory()
    enrollment = EnrollmentFactory(user=student, course=lesson.course)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_services.lesson_complete(enrollment=enrollment, lesson=lesson)
    row = _only("course_completed")
    assert (row.object_type, row.object_id, row.course_id) == (
        "course",
        lesson.course_id,
        lesson.course_id,
    )
    assert row.result["completion"] is True
    assert isinstance(row.result["duration"], int) and row.result["duration"] >= 0


def test_course_rated_result_raw_and_scaled(student, django_capture_on_commit_callbacks):
    course = CourseFactory()
    EnrollmentFactory(user=student, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        review_create_or_update(user=student, course=course, rating=4, text="")
    row = _only("course_rated")
    assert row.result == {"raw": 4, "score": 0.8}
    assert row.course_id == course.pk


def test_anonymous_course_page_view_is_reported_with_the_visitor_id(
    client, django_capture_on_commit_callbacks
):
    course = CourseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/courses/{course.slug}/")
        client.get("/courses/")
    assert response.status_code == 200
    row = _only("course_viewed")
    visitor = response.cookies["kalpla_vid"].value
    assert (row.actor_id, row.anonymous_id, row.object_id, row.platform) == (
        None,
        visitor,
        course.pk,
        "web",
    )
    assert _only("catalogue_viewed").object_type == "catalogue"


def test_api_course_detail_view_is_reported_for_the_user(
    student_api, student, django_capture_on_commit_callbacks
):
    course = CourseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert student_api.get(f"/api/v1/courses/{course.slug}/").status_code == 200
    row = _only("course_viewed")
    assert (row.actor_id, row.anonymous_id, row.platform) == (student.pk, "", "api")
