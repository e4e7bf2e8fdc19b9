"""The analytics figures API: shape, permissions, range errors."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from activity.verbs import Verb as V
from analytics.services.rollups import rollup_range
from analytics.tests.rollups_helpers import days_ago, ev, store
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def course(mentor):
    course = CourseFactory(instructors=[mentor])
    lesson = LessonFactory(module=ModuleFactory(course=course))
    day = days_ago(2)
    store(
        ev(V.ENROLLED, day, actor=1, course=course.pk),
        ev(V.ENROLLED, day, actor=2, course=course.pk),
        ev(V.LESSON_COMPLETED, day, actor=1, course=course.pk, obj=("lesson", lesson.pk)),
        ev(
            V.PAYMENT_SUCCEEDED,
            day,
            actor=1,
            obj=("order", 1),
            result={"amount": "49.00", "currency": "INR"},
        ),
    )
    rollup_range(start=day, end=day)
    return course


def test_overview_shape_for_staff(api, staff, course):
    api.force_authenticate(staff)
    response = api.get(reverse("api:analytics-overview"), {"days": 7})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"period", "previous", "headline", "daily", "revenue", "funnel"}
    assert len(body["daily"]) == 7
    assert body["revenue"][0]["revenue"] == {"amount": "49.00", "currency": "INR"}
    head = {h["key"]: h for h in body["headline"]}
    assert head["enrollments"]["value"] == 2
    assert [f["step"] for f in body["funnel"]] == ["catalogue", "course_page", "enrolled", "paid"]


def test_overview_refuses_mentors_and_anonymous(api, mentor):
    assert api.get(reverse("api:analytics-overview")).status_code in (401, 403)
    api.force_authenticate(mentor)
    response = api.get(reverse("api:analytics-overview"))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_overview_bad_range_is_400_per_field(api, staff):
    api.force_authenticate(staff)
    response = api.get(
        reverse("api:analytics-overview"),
        {"from": days_ago(1).isoformat(), "to": days_ago(4).isoformat()},
    )
    assert response.status_code == 400
    assert "from" in response.json()["errors"]
    bad = api.get(reverse("api:analytics-overview"), {"from": "yesterday"})
    assert bad.status_code == 400 and "from" in bad.json()["errors"]
    unknown = api.get(reverse("api:analytics-overview"), {"since": "2026-01-01"})
    assert unknown.status_code == 400 and "since" in unknown.json()["errors"]


def test_course_list_own_for_mentors_all_for_staff(api, mentor, other_mentor, staff, course):
    theirs = CourseFactory(instructors=[other_mentor])
    api.force_authenticate(mentor)
    body = api.get(reverse("api:analytics-courses")).json()
    assert [c["slug"] for c in body["results"]] == [course.slug]
    assert body["results"][0]["figures"]["enrollments"] == 2
    api.force_authenticate(staff)
    slugs = {c["slug"] for c in api.get(reverse("api:analytics-courses")).json()["results"]}
    assert slugs == {course.slug, theirs.slug}
    api.force_authenticate(UserFactory())
    assert api.get(reverse("api:analytics-courses")).status_code == 403


def test_course_detail_and_lessons(api, mentor, course):
    api.force_authenticate(mentor)
    body = api.get(reverse("api:analytics-course", args=[course.slug]), {"days": 30}).json()
    assert body["course"]["slug"] == course.slug
    head = {h["key"]: h for h in body["headline"]}
    assert head["completion_rate"]["value"] == 0.0 and head["completion_rate"]["unit"] == "ratio"
    lessons = api.get(reverse("api:analytics-course-lessons", args=[course.slug])).json()
    assert lessons["count"] == 1 and lessons["results"][0]["completed"] == 1


def test_mentor_cannot_read_another_mentors_course(api, other_mentor, course):
    api.force_authenticate(other_mentor)
    assert api.get(reverse("api:analytics-course", args=[course.slug])).status_code == 403
    lessons = reverse("api:analytics-course-lessons", args=[course.slug])
    assert api.get(lessons).status_code == 403
    assert api.get(reverse("api:analytics-course", args=["no-such-course"])).status_code == 404


def test_course_list_queries_do_not_grow_with_courses(api, staff, django_assert_max_num_queries):
    CourseFactory.create_batch(15)
    api.force_authenticate(staff)
    api.get(reverse("api:analytics-courses"))
    with django_assert_max_num_queries(8):
        body = api.get(reverse("api:analytics-courses"), {"page_size": 50}).json()
    assert body["count"] == 15
