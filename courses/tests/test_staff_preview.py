"""Regressions of the rule that staff and a course's instructors see it in every status:
"staff" is one thing everywhere (the ``is_staff`` flag, superusers, the Admin role)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from courses.models import Course
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from enrollments.access import AccessReason

pytestmark = pytest.mark.django_db


def test_staff_flag_without_admin_group_previews_a_course_in_review():
    """Regression: staff could edit a course in review, but "Preview as a student" answered
    404 because the access rule only knew the Admin role."""
    staff = UserFactory(roles=("Student",), is_staff=True)  # no Admin group
    course = CourseFactory(
        status=Course.Status.REVIEW, instructors=[UserFactory(roles=("Mentor",))]
    )
    lesson = LessonFactory(module=ModuleFactory(course=course))
    client = APIClient()
    client.force_login(staff)

    # the editor is open to them and links to the preview...
    editor = client.get(reverse("courses:teach_lesson", args=[lesson.pk]))
    assert editor.status_code == 200
    preview = f"/courses/{course.slug}/lessons/{lesson.pk}/?preview=1"
    assert preview in editor.content.decode()

    # ...and the preview, the course page and the API open the lesson
    page = client.get(preview)
    assert page.status_code == 200
    assert lesson.title in page.content.decode()
    assert client.get(reverse("courses:detail", args=[course.slug])).status_code == 200
    api = client.get(f"/api/v1/lessons/{lesson.pk}/")
    assert api.status_code == 200
    assert api.json()["access"] == AccessReason.STAFF


def test_draft_course_page_asks_the_access_rule_once(client, django_assert_max_num_queries):
    """The course page of a draft works out the viewer's access once: its visibility and the
    page's buttons come from the same ``course_access``."""
    instructor = UserFactory(roles=("Mentor",))
    draft = CourseFactory(status=Course.Status.DRAFT, instructors=[instructor])
    LessonFactory(module=ModuleFactory(course=draft))
    client.force_login(instructor)
    url = reverse("courses:detail", args=[draft.slug])
    client.get(url)  # warm the outline and fragment caches

    # 13 before: the page checked visibility (roles, instructors) and then worked out the
    # same access again for its buttons (instructors once more)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
