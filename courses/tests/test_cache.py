"""Scoped invalidation: a write retires what shows the course it changed, once, and no more."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from courses.cache import CATALOGUE, course_scope
from courses.models import Course
from courses.services import authoring
from courses.services.reviews import course_rating_refresh
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory, ReviewFactory
from kalpla.cache import cache_versions

pytestmark = pytest.mark.django_db

PAGE_OF = "/api/v1/courses/?page_size=1&page={}"


@pytest.fixture
def two_courses():
    mentor = UserFactory(roles=("Mentor",))
    # Newest first: "newer" is on page 1, "older" on page 2.
    older = CourseFactory(title="Older", instructors=[mentor])
    newer = CourseFactory(title="Newer", instructors=[mentor])
    Course.objects.filter(pk=older.pk).update(published_at=newer.published_at.replace(year=2020))
    lessons = {}
    for course in (older, newer):
        module = ModuleFactory(course=course)
        lessons[course.pk] = LessonFactory(module=module, title="First", duration=60)
    return mentor, older, newer, lessons


def versions(*courses: Course) -> list[int]:
    return cache_versions(CATALOGUE, *(course_scope(c.pk) for c in courses))


@pytest.mark.django_db(transaction=True)  # the edit really commits, as in production
def test_lesson_edit_moves_its_course_version_once_per_write_and_commit(two_courses):
    mentor, older, newer, lessons = two_courses
    catalogue_before, older_before, newer_before = versions(older, newer)

    # The lesson row, the course's duration and the narration job are written.
    authoring.lesson_update(
        user=mentor, lesson=lessons[older.pk], data={"title": "Renamed", "duration": 600}
    )

    catalogue_after, older_after, newer_after = versions(older, newer)
    # One move when the lesson is saved and one when the edit commits; nothing else moves.
    assert older_after - older_before == 2
    assert newer_after == newer_before
    assert catalogue_after == catalogue_before


def test_lesson_edit_keeps_catalogue_pages_without_that_course(
    api_client, two_courses, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    mentor, older, newer, lessons = two_courses
    assert api_client.get(PAGE_OF.format(1)).json()["results"][0]["slug"] == newer.slug
    assert api_client.get(PAGE_OF.format(2)).json()["results"][0]["duration"] == 60

    with django_capture_on_commit_callbacks(execute=True):
        authoring.lesson_update(user=mentor, lesson=lessons[older.pk], data={"duration": 600})

    with django_assert_max_num_queries(0):  # the page of the other course is still cached
        assert api_client.get(PAGE_OF.format(1)).status_code == 200
    # The page that shows the edited course is built again, with its new duration.
    card = api_client.get(PAGE_OF.format(2)).json()["results"][0]
    assert card["slug"] == older.slug
    assert card["duration"] == 600


def test_site_catalogue_page_is_rebuilt_only_where_the_course_shows(
    client, two_courses, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    mentor, older, newer, lessons = two_courses
    client.get("/courses/?category=" + newer.category.slug)
    client.get("/courses/?category=" + older.category.slug)

    with django_capture_on_commit_callbacks(execute=True):
        authoring.lesson_update(user=mentor, lesson=lessons[older.pk], data={"title": "Renamed"})

    with django_assert_max_num_queries(0):  # the body comes from the cache
        client.get("/courses/?category=" + newer.category.slug)
    with CaptureQueriesContext(connection) as rebuilt:
        client.get("/courses/?category=" + older.category.slug)
    assert len(rebuilt.captured_queries) > 0


def test_course_edit_of_a_listed_field_retires_every_list(
    two_courses, django_capture_on_commit_callbacks
):
    mentor, older, newer, _lessons = two_courses
    catalogue_before, _older_before, newer_before = versions(older, newer)

    with django_capture_on_commit_callbacks(execute=True):
        authoring.course_update(user=mentor, course=older, data={"subtitle": "Now clearer"})
    assert versions(older, newer)[0] == catalogue_before  # a card-only field: no list moves

    older = Course.objects.get(pk=older.pk)  # as a request would load it
    with django_capture_on_commit_callbacks(execute=True):
        authoring.course_update(user=mentor, course=older, data={"price": Decimal("99")})
    catalogue_after, _older_after, newer_after = versions(older, newer)
    assert catalogue_after > catalogue_before  # free/paid filters list other courses now
    assert newer_after == newer_before


def test_course_form_resent_unchanged_leaves_the_lists_alone(
    two_courses, django_capture_on_commit_callbacks
):
    mentor, older, _newer, _lessons = two_courses
    older = Course.objects.get(pk=older.pk)
    catalogue_before = versions(older)[0]
    data = {name: getattr(older, name) for name in authoring.COURSE_FIELDS}
    data["title"] = "A new title"
    with django_capture_on_commit_callbacks(execute=True):
        authoring.course_update(user=mentor, course=older, data=data)
    assert versions(older)[0] == catalogue_before


def test_rating_refresh_retires_its_course_and_the_lists(
    two_courses, django_capture_on_commit_callbacks
):
    _mentor, older, newer, _lessons = two_courses
    catalogue_before, older_before, newer_before = versions(older, newer)
    ReviewFactory(course=older, rating=4)
    with django_capture_on_commit_callbacks(execute=True):
        course_rating_refresh(course=older)
    catalogue_after, older_after, newer_after = versions(older, newer)
    assert catalogue_after > catalogue_before  # "highest rated" and min_rating change
    assert older_after > older_before
    assert newer_after == newer_before
