"""The course page's cached parts (the course, the student's enrollments and review, the
shared sections) never mix viewers, languages or versions, and keep the page cheap."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.models import Course
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory, ReviewFactory
from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db


def page(client, course, **headers):
    return client.get(reverse("courses:detail", args=[course.slug]), **headers)


def course_with_lessons(*, prerequisites: int = 0) -> Course:
    course = CourseFactory(instructors=[UserFactory(roles=("Mentor",))])
    course.prerequisites.set(CourseFactory.create_batch(prerequisites))
    module = ModuleFactory(course=course)
    for n in range(3):
        LessonFactory(module=module, order=n, is_preview=n == 0)
    ReviewFactory(course=course)
    return course


def test_enrolled_students_warm_course_page_reads_only_their_user_row(
    client, student, django_assert_max_num_queries
):
    course = course_with_lessons(prerequisites=2)
    Enrollment.objects.create(user=student, course=course)
    client.force_login(student)
    page(client, course)  # warms the course, the outline and the student's parts
    with django_assert_max_num_queries(1):
        response = page(client, course)
    assert response.status_code == 200
    assert "Continue learning" in response.content.decode()


def test_cached_course_page_keeps_each_viewer_their_own_parts(client):
    course = course_with_lessons()
    enrolled, other = UserFactory(name="Asha Enrolled"), UserFactory(name="Ravi Other")
    Enrollment.objects.create(user=enrolled, course=course)
    for _round in range(2):  # the second round is served from the cache
        client.force_login(enrolled)
        mine = page(client, course).content.decode()
        assert "Continue learning" in mine and "Write a review" in mine and "Asha" in mine
        client.force_login(other)
        theirs = page(client, course).content.decode()
        assert "Enroll for free" in theirs and "Ravi" in theirs
        assert "Write a review" not in theirs and "Asha" not in theirs
        client.logout()
        anonymous = page(client, course).content.decode()
        assert "Sign in to enroll" in anonymous and "Ravi" not in anonymous


def test_enrolling_and_reviewing_show_at_once_on_the_cached_page(client, student):
    course = course_with_lessons()
    client.force_login(student)
    assert "Enroll for free" in page(client, course).content.decode()
    Enrollment.objects.create(user=student, course=course)
    assert "Write a review" in page(client, course).content.decode()
    ReviewFactory(course=course, user=student, rating=4, text="Clear and kind")
    body = page(client, course).content.decode()
    assert "Edit your review" in body and "Clear and kind" in body


def test_unpublishing_retires_the_cached_course_at_once(client):
    course = course_with_lessons()
    assert page(client, course).status_code == 200
    course.status = Course.Status.DRAFT
    course.save()
    assert page(client, course).status_code == 404


def test_a_new_instructor_gets_the_instructors_page_at_once(client):
    course = course_with_lessons()
    mentor = UserFactory(roles=("Mentor",))
    client.force_login(mentor)
    assert page(client, course).context["is_instructor"] is False
    course.instructors.add(mentor)
    assert page(client, course).context["is_instructor"] is True


def test_languages_keep_their_own_cached_page(client):
    course = course_with_lessons()
    for _round in range(2):
        english = page(client, course, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        hindi = page(client, course, HTTP_ACCEPT_LANGUAGE="hi").content.decode()
        assert "Course content" in english and "कोर्स की सामग्री" not in english
        assert "कोर्स की सामग्री" in hindi and "Course content" not in hindi


def test_students_warm_dashboard_reads_only_their_user_row(
    client, student, django_assert_max_num_queries
):
    Enrollment.objects.create(user=student, course=course_with_lessons())
    client.force_login(student)
    client.get("/")
    with django_assert_max_num_queries(1):
        assert client.get("/").status_code == 200
