"""Lesson API: detail shape, progress read/write across devices, completion, refusals."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from courses.models import Lesson
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from enrollments.models import Enrollment, LessonProgress
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons(db):
    course = CourseFactory(title="Data", slug="data")
    module = ModuleFactory(course=course, order=0, title="Basics")
    return [
        LessonFactory(module=module, order=0, title="One", content="Hello **world**"),
        LessonFactory(module=module, order=1, title="Two", kind=Lesson.Kind.VIDEO),
        LessonFactory(module=module, order=2, title="Three", is_required=False),
    ]


@pytest.fixture
def enrolled_api(lessons, student, student_api):
    EnrollmentFactory(user=student, course=lessons[0].course)
    return student_api


def test_lesson_detail_shape(enrolled_api, lessons):
    response = enrolled_api.get(f"/api/v1/lessons/{lessons[1].pk}/")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {
        "id", "title", "kind", "duration", "is_preview", "is_required", "course", "module",
        "access", "content_html", "transcript", "media_status", "media_url", "captions_url",
        "narration_url", "poster_url", "resources", "previous_lesson_id", "next_lesson_id",
        "progress",
    }  # fmt: skip
    assert data["course"] == {"id": lessons[0].course_id, "slug": "data", "title": "Data"}
    assert data["module"]["title"] == "Basics"
    assert data["access"] == "enrolled"
    assert (data["previous_lesson_id"], data["next_lesson_id"]) == (lessons[0].pk, lessons[2].pk)
    assert data["media_url"] is None  # no file uploaded yet
    assert data["progress"] == {
        "position_seconds": 0.0,
        "completed": False,
        "completed_at": None,
        "updated_at": None,
    }


def test_lesson_detail_renders_text_content(enrolled_api, lessons):
    data = enrolled_api.get(f"/api/v1/lessons/{lessons[0].pk}/").json()
    assert "<strong>world</strong>" in data["content_html"]
    assert data["previous_lesson_id"] is None


def test_lesson_detail_records_the_resume_point(enrolled_api, lessons, student):
    enrolled_api.get(f"/api/v1/lessons/{lessons[1].pk}/")
    enrollment = Enrollment.objects.get(user=student)
    assert enrollment.last_lesson_id == lessons[1].pk


def test_progress_put_then_get_from_another_device(enrolled_api, lessons, student):
    url = f"/api/v1/lessons/{lessons[1].pk}/progress/"

    response = enrolled_api.put(url, {"position_seconds": 42.5}, format="json")
    assert response.status_code == 204

    phone = APIClient()
    phone.force_authenticate(student)
    data = phone.get(url).json()
    assert data["position_seconds"] == 42.5
    assert data["completed"] is False
    assert data["updated_at"].endswith("Z")
    detail = phone.get(f"/api/v1/lessons/{lessons[1].pk}/").json()
    assert detail["progress"]["position_seconds"] == 42.5


@pytest.mark.parametrize(
    "body",
    [{}, {"position_seconds": -1}, {"position_seconds": "x"}, {"position_seconds": 1, "x": 1}],
)
def test_progress_put_validates(enrolled_api, lessons, body):
    response = enrolled_api.put(f"/api/v1/lessons/{lessons[1].pk}/progress/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_progress_put_is_one_write(enrolled_api, lessons, django_assert_max_num_queries):
    url = f"/api/v1/lessons/{lessons[1].pk}/progress/"
    enrolled_api.put(url, {"position_seconds": 1}, format="json")
    # lesson + roles + instructor + enrollment + prerequisites + the upsert
    with django_assert_max_num_queries(6):
        enrolled_api.put(url, {"position_seconds": 2}, format="json")


def test_complete_answers_course_progress(enrolled_api, lessons, student):
    response = enrolled_api.post(f"/api/v1/lessons/{lessons[0].pk}/complete/")

    assert response.status_code == 200
    assert response.json() == {
        "lesson_id": lessons[0].pk,
        "completed": True,
        "course_progress_percent": 50,
        "enrollment_status": "active",
        "course_completed_at": None,
    }
    again = enrolled_api.post(f"/api/v1/lessons/{lessons[0].pk}/complete/")
    assert again.json()["course_progress_percent"] == 50

    done = enrolled_api.post(f"/api/v1/lessons/{lessons[1].pk}/complete/").json()
    assert done["enrollment_status"] == "completed"
    assert done["course_progress_percent"] == 100
    assert done["course_completed_at"].endswith("Z")
    progress = enrolled_api.get(f"/api/v1/lessons/{lessons[1].pk}/progress/").json()
    assert progress["completed"] is True


def test_progress_and_complete_need_an_enrollment(lessons, mentor):
    lessons[0].course.instructors.add(mentor)
    client = APIClient()
    client.force_authenticate(mentor)
    assert client.get(f"/api/v1/lessons/{lessons[0].pk}/").status_code == 200  # may read
    for method, suffix in (("get", "progress/"), ("put", "progress/"), ("post", "complete/")):
        response = getattr(client, method)(
            f"/api/v1/lessons/{lessons[0].pk}/{suffix}", {"position_seconds": 1}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "not_enrolled"
    assert not LessonProgress.objects.exists()


def test_progress_refused_for_unreleased_lesson(enrolled_api, lessons):
    lesson = lessons[1]
    lesson.release = Lesson.Release.ON_DATE
    lesson.release_date = timezone.now() + timedelta(days=1)
    lesson.save()
    for method, suffix in (("put", "progress/"), ("post", "complete/"), ("get", "")):
        response = getattr(enrolled_api, method)(
            f"/api/v1/lessons/{lesson.pk}/{suffix}", {"position_seconds": 1}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "not_released"


def test_anonymous_progress_is_401(lessons, api_client):
    response = api_client.put(
        f"/api/v1/lessons/{lessons[0].pk}/progress/", {"position_seconds": 1}, format="json"
    )
    assert response.status_code == 401


def test_missing_lesson_is_404(student_api):
    response = student_api.get("/api/v1/lessons/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_other_users_progress_is_never_shown(lessons, student):
    other = UserFactory()
    mine = EnrollmentFactory(user=student, course=lessons[0].course)
    EnrollmentFactory(user=other, course=lessons[0].course)
    LessonProgress.objects.create(enrollment=mine, lesson=lessons[1], position_seconds=99)
    client = APIClient()
    client.force_authenticate(other)
    assert client.get(f"/api/v1/lessons/{lessons[1].pk}/progress/").json()["position_seconds"] == 0
