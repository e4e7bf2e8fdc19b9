"""Courses in the admin: list pages with bounded queries, and actions that call the services."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.models import Course, Lesson, Review
from courses.tests.factories import (
    CategoryFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    ReviewFactory,
    TagFactory,
)
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    """Twelve courses with two instructors, modules, lessons, reviews and a resource each."""
    courses = []
    for n in range(12):
        mentors = [UserFactory(roles=("Mentor",)) for _ in range(2)]
        course = CourseFactory(
            instructors=mentors, status=Course.Status.REVIEW, tags=[TagFactory()]
        )
        module = ModuleFactory(course=course)
        lesson = LessonFactory(module=module)
        lesson.resources.create(title=f"Handout {n}", file="courses/resources/h.pdf")
        ReviewFactory(course=course, rating=1 + n % 5)
        courses.append(course)
    return courses


@pytest.mark.parametrize(
    ("model", "limit"),
    [
        ("course", 16),
        ("module", 12),
        ("lesson", 12),
        ("review", 12),
        ("resource", 12),
        ("category", 12),
        ("tag", 12),
    ],
)
def test_changelists_load_with_bounded_queries(
    client, admin_user, catalogue, model, limit, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get(reverse(f"admin:courses_{model}_changelist"))  # warm caches (content types)

    with django_assert_max_num_queries(limit):
        response = client.get(reverse(f"admin:courses_{model}_changelist"))

    assert response.status_code == 200


def test_course_changelist_filters_and_search(client, admin_user, catalogue):
    paid = catalogue[0]
    Course.objects.filter(pk=paid.pk).update(price=99, level="advanced", language="hi")
    client.force_login(admin_user)
    url = reverse("admin:courses_course_changelist")

    assert client.get(url, {"free": "no"}).context["cl"].result_count == 1
    assert client.get(url, {"free": "yes"}).context["cl"].result_count == 11
    assert client.get(url, {"level__exact": "advanced"}).context["cl"].result_count == 1
    assert client.get(url, {"language": "hi"}).status_code == 200
    assert client.get(url, {"status__exact": "review"}).context["cl"].result_count == 12
    assert client.get(url, {"q": paid.slug}).context["cl"].result_count == 1
    page = client.get(url).content.decode()
    assert catalogue[1].instructors.first().display_name in page


def test_change_pages_open(client, admin_user, catalogue):
    course = catalogue[0]
    module = course.modules.first()
    lesson = Lesson.objects.filter(course=course).first()
    client.force_login(admin_user)

    for url in (
        reverse("admin:courses_course_change", args=[course.pk]),
        reverse("admin:courses_module_change", args=[module.pk]),
        reverse("admin:courses_lesson_change", args=[lesson.pk]),
        reverse("admin:courses_course_add"),
        reverse("admin:courses_category_add"),
    ):
        assert client.get(url).status_code == 200, url


def test_publish_action_publishes_and_notifies(
    client, admin_user, catalogue, django_capture_on_commit_callbacks
):
    course, draft = catalogue[0], catalogue[1]
    Course.objects.filter(pk=draft.pk).update(status=Course.Status.DRAFT)
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:courses_course_changelist"),
            {"action": "publish", "_selected_action": [course.pk, draft.pk]},
            follow=True,
        )

    page = response.content.decode()
    assert "1 course(s) updated" in page and "Only a course in review" in page
    course.refresh_from_db()
    draft.refresh_from_db()
    assert course.status == "published" and draft.status == "draft"
    assert Notification.objects.filter(kind="courses.published").count() == 2  # two mentors


def test_return_to_draft_and_archive_actions(client, admin_user, catalogue):
    first, second = catalogue[0], catalogue[1]
    client.force_login(admin_user)
    url = reverse("admin:courses_course_changelist")

    client.post(url, {"action": "return_to_draft", "_selected_action": [first.pk]})
    client.post(url, {"action": "archive", "_selected_action": [second.pk]})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("draft", "archived")


def test_course_status_is_read_only_in_the_form(client, admin_user, catalogue):
    course = catalogue[0]
    client.force_login(admin_user)

    page = client.get(reverse("admin:courses_course_change", args=[course.pk])).content.decode()

    assert 'name="status"' not in page and 'name="title"' in page


def test_module_lesson_inline_adds_lessons_to_the_module_course(client, admin_user):
    module = ModuleFactory(course=CourseFactory(category=CategoryFactory()))
    client.force_login(admin_user)
    prefix = "lessons"

    response = client.post(
        reverse("admin:courses_module_change", args=[module.pk]),
        {
            "course": module.course.pk,
            "title": module.title,
            "description": "",
            "order": 0,
            f"{prefix}-TOTAL_FORMS": 1,
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
            f"{prefix}-0-title": "Added in the admin",
            f"{prefix}-0-kind": "text",
            f"{prefix}-0-order": 0,
            f"{prefix}-0-duration": 60,
        },
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    lesson = Lesson.objects.get(title="Added in the admin")
    assert lesson.course == module.course and lesson.module == module


def test_review_hide_and_unhide_actions_update_the_rating(client, admin_user):
    course = CourseFactory()
    low = ReviewFactory(course=course, rating=1)
    ReviewFactory(course=course, rating=5)
    client.force_login(admin_user)
    url = reverse("admin:courses_review_changelist")

    client.post(url, {"action": "hide", "_selected_action": [low.pk]})
    low.refresh_from_db()
    course.refresh_from_db()
    assert low.is_hidden and float(course.rating_average) == 5.0

    client.post(url, {"action": "unhide", "_selected_action": [low.pk]})
    low.refresh_from_db()
    course.refresh_from_db()
    assert not low.is_hidden and float(course.rating_average) == 3.0
    assert client.get(url, {"is_hidden__exact": "0"}).context["cl"].result_count == 2
    assert Review.objects.count() == 2


def test_admin_unpublishing_a_lesson_moves_progress(
    client, admin_user, django_capture_on_commit_callbacks
):
    from enrollments.models import Enrollment
    from enrollments.services import lesson_complete

    module = ModuleFactory(course=CourseFactory(category=CategoryFactory()))
    done, other = LessonFactory(module=module, order=0), LessonFactory(module=module, order=1)
    enrollment = Enrollment.objects.create(user=admin_user, course=module.course)
    lesson_complete(enrollment=enrollment, lesson=done)
    client.force_login(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:courses_lesson_change", args=[other.pk]),
            {
                "module": module.pk,
                "course": module.course.pk,
                "title": other.title,
                "kind": "text",
                "order": 1,
                "is_required": "on",
                "duration": 60,
                "release": "immediate",
                "release_days": 0,
                "content": "x",
                "captions_state": "none",
                "resources-TOTAL_FORMS": 0,
                "resources-INITIAL_FORMS": 0,
            },
        )

    assert response.status_code == 302, response.context and response.context["errors"]
    other.refresh_from_db()
    enrollment.refresh_from_db()
    assert other.is_published is False
    assert enrollment.progress_percent == 100


def _admin_form_data(client, url):
    """The change form's current values, as the browser would post them back."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False or name in ("media", "captions", "narration", "poster"):
            continue
        data[name] = value.pk if hasattr(value, "pk") else value
    return data


def test_admin_refuses_to_publish_a_lesson_with_nothing_to_show(client, admin_user):
    course = CourseFactory(category=CategoryFactory())
    lesson = LessonFactory(module=ModuleFactory(course=course), content="", is_published=False)
    url = reverse("admin:courses_lesson_change", args=[lesson.pk])
    client.force_login(admin_user)

    data = {**_admin_form_data(client, url), "is_published": "on"}
    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "nothing to show yet" in str(refused.context["adminform"].form.errors["is_published"])
    lesson.refresh_from_db()
    assert lesson.is_published is False

    accepted = client.post(url, {**data, "content": "Now it has a text."})
    assert accepted.status_code == 302
    lesson.refresh_from_db()
    assert lesson.is_published is True


def test_admin_refuses_to_publish_a_module_whose_lessons_have_nothing_to_show(client, admin_user):
    course = CourseFactory(category=CategoryFactory())
    module = ModuleFactory(course=course, is_published=False)
    LessonFactory(module=module, title="Empty one", content="")
    url = reverse("admin:courses_module_change", args=[module.pk])
    client.force_login(admin_user)
    data = {
        "course": course.pk,
        "title": module.title,
        "description": "",
        "order": 0,
        "is_published": "on",
        "lessons-TOTAL_FORMS": 0,
        "lessons-INITIAL_FORMS": 0,
        "lessons-MIN_NUM_FORMS": 0,
        "lessons-MAX_NUM_FORMS": 1000,
    }

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "Empty one" in str(refused.context["adminform"].form.errors["is_published"])
    module.refresh_from_db()
    assert module.is_published is False
