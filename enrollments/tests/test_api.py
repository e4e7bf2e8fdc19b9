"""Enrollments API: enroll/unenroll a course, my enrollments (shape, privacy, query budget)."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from courses.models import Course
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory, TagFactory
from enrollments.models import Enrollment
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_enroll_201_then_200(student_api, student):
    course = CourseFactory(slug="python")
    lesson = LessonFactory(module=ModuleFactory(course=course))

    first = student_api.post("/api/v1/courses/python/enroll/")
    again = student_api.post("/api/v1/courses/python/enroll/")

    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["status"] == "active"
    assert first.json()["continue_lesson_id"] == lesson.pk
    course.refresh_from_db()
    assert course.enrollment_count == 1


def test_enroll_paid_course_is_402(student_api):
    CourseFactory(slug="paid", price=Decimal("10.00"))
    response = student_api.post("/api/v1/courses/paid/enroll/")
    assert response.status_code == 402
    assert response.json()["code"] == "payment_required"


def test_enroll_unverified_email_is_403(api_client):
    user = UserFactory(verified=False)
    api_client.force_authenticate(user)
    CourseFactory(slug="free")
    response = api_client.post("/api/v1/courses/free/enroll/")
    assert response.status_code == 403
    assert response.json()["code"] == "email_unverified"


def test_enroll_draft_or_missing_course_is_404(student_api):
    CourseFactory(slug="draft", status=Course.Status.DRAFT)
    assert student_api.post("/api/v1/courses/draft/enroll/").status_code == 404
    assert student_api.post("/api/v1/courses/nope/enroll/").status_code == 404


def test_enroll_prerequisite_missing_is_403(student_api):
    course = CourseFactory(slug="advanced")
    course.prerequisites.add(CourseFactory())
    response = student_api.post("/api/v1/courses/advanced/enroll/")
    assert response.status_code == 403
    assert response.json()["code"] == "prerequisite_required"


def test_enroll_needs_sign_in(api_client):
    CourseFactory(slug="free")
    assert api_client.post("/api/v1/courses/free/enroll/").status_code == 401


def test_unenroll_then_enroll_again(student_api, student):
    course = CourseFactory(slug="python")
    student_api.post("/api/v1/courses/python/enroll/")

    assert student_api.delete("/api/v1/courses/python/enroll/").status_code == 204
    assert Enrollment.objects.get(user=student).status == "cancelled"
    assert student_api.delete("/api/v1/courses/python/enroll/").status_code == 404
    assert student_api.get("/api/v1/me/enrollments/").json()["count"] == 0

    assert student_api.post("/api/v1/courses/python/enroll/").status_code == 201
    course.refresh_from_db()
    assert course.enrollment_count == 1


def test_my_enrollments_shape(student_api, student):
    course = CourseFactory(slug="python", title="Python")
    lesson = LessonFactory(module=ModuleFactory(course=course))
    EnrollmentFactory(user=student, course=course, progress_percent=40, last_lesson=lesson)

    data = student_api.get("/api/v1/me/enrollments/").json()

    assert set(data) == {"count", "next", "previous", "results"}
    item = data["results"][0]
    assert item["course"] == {
        "id": course.pk,
        "slug": "python",
        "title": "Python",
        "cover_url": None,
    }
    assert item["status"] == "active"
    assert item["progress_percent"] == 40
    assert item["last_lesson_id"] == lesson.pk
    assert item["continue_lesson_id"] == lesson.pk
    assert item["last_viewed_at"] is None
    assert item["created_at"].endswith("Z")
    assert item["completed_at"] is None


def test_my_enrollments_never_shows_other_users_or_cancelled(student_api, student):
    EnrollmentFactory(user=UserFactory())
    EnrollmentFactory(user=student, status=Enrollment.Status.CANCELLED)
    mine = EnrollmentFactory(user=student, status=Enrollment.Status.COMPLETED)

    results = student_api.get("/api/v1/me/enrollments/").json()["results"]

    assert [r["id"] for r in results] == [mine.pk]


def test_my_enrollments_needs_sign_in(api_client):
    assert api_client.get("/api/v1/me/enrollments/").status_code == 401


def test_my_enrollments_paginates(student_api, student):
    for _ in range(3):
        EnrollmentFactory(user=student)
    data = student_api.get("/api/v1/me/enrollments/?page_size=2").json()
    assert data["count"] == 3
    assert len(data["results"]) == 2
    assert data["next"]


def test_my_enrollments_query_count_is_bounded(student, django_assert_max_num_queries):
    client = APIClient()
    client.force_authenticate(student)
    EnrollmentFactory(user=student)
    with django_assert_max_num_queries(10) as one:
        client.get("/api/v1/me/enrollments/")
    for _ in range(19):
        course = CourseFactory()
        lesson = LessonFactory(module=ModuleFactory(course=course))
        EnrollmentFactory(user=student, course=course, last_lesson=lesson)
    with django_assert_max_num_queries(len(one)):
        response = client.get("/api/v1/me/enrollments/")
    assert response.json()["count"] == 20


def test_recommended_courses_for_me(
    api_client, student, student_api, django_assert_max_num_queries
):
    taken = CourseFactory(title="Taken")
    Enrollment.objects.create(user=student, course=taken)
    for n in range(10):
        CourseFactory(title=f"Course {n}", tags=TagFactory.create_batch(2))
    CourseFactory(title="Draft", status=Course.Status.DRAFT)
    url = "/api/v1/me/recommended-courses/"
    assert api_client.get(url).status_code == 401
    with django_assert_max_num_queries(12):
        body = student_api.get(url).json()
    titles = [card["title"] for card in body]
    assert len(titles) == 8 and "Taken" not in titles and "Draft" not in titles
    assert {"slug", "thumbnail_url", "rating", "price", "tags"} <= set(body[0])
