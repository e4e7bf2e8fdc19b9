"""courses.policies: who may do what with a course, and the pages that follow the rules."""

import pytest

from accounts.tests.factories import UserFactory
from courses import policies
from courses.models import Course
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory, ReviewFactory
from enrollments.access import course_access, lesson_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    mentor = UserFactory(roles=("Mentor",))
    return {
        "anonymous": None,
        "student": UserFactory(roles=("Student",)),
        "mentor": UserFactory(roles=("Mentor",)),  # teaches another course
        "instructor": mentor,
        "former_mentor": UserFactory(roles=("Student",)),  # still listed, lost the role
        "moderator": UserFactory(roles=("Moderator",)),
        # is_staff without the Admin group: staff all the same
        "staff_flag": UserFactory(roles=("Student",), is_staff=True),
        "admin_role": UserFactory(roles=("Admin",)),
        "superuser": UserFactory(roles=("Student",), is_superuser=True),
        "inactive_staff": UserFactory(roles=("Admin",), is_staff=True, is_active=False),
    }


@pytest.fixture
def course(people):
    return CourseFactory(
        status=Course.Status.REVIEW, instructors=[people["instructor"], people["former_mentor"]]
    )


STAFF = {"staff_flag", "admin_role", "superuser"}


@pytest.mark.parametrize(
    ("who", "create", "edit", "review", "preview", "instructor"),
    [
        ("anonymous", False, False, False, False, False),
        ("student", False, False, False, False, False),
        ("mentor", True, False, False, False, False),
        ("instructor", True, True, False, True, True),
        ("former_mentor", False, False, False, True, True),
        ("moderator", False, False, False, False, False),
        ("staff_flag", True, True, True, True, False),
        ("admin_role", True, True, True, True, False),
        ("superuser", True, True, True, True, False),
        ("inactive_staff", False, False, False, False, False),
    ],
)
def test_course_policies_by_role(people, course, who, create, edit, review, preview, instructor):
    user = people[who]

    assert policies.course_can_create(user=user) is create
    assert policies.course_can_edit(user=user, course=course) is edit
    assert policies.course_can_review(user=user) is review
    assert policies.course_can_preview(user=user, course=course) is preview
    assert policies.course_is_instructor(user=user, course=course) is instructor


@pytest.mark.parametrize(
    ("who", "reply", "hide", "remove_cover"),
    [
        ("anonymous", False, False, False),
        ("student", False, False, False),
        ("mentor", False, False, False),
        ("instructor", True, False, True),
        ("moderator", False, True, True),
        ("staff_flag", False, False, True),
        ("admin_role", False, True, True),
    ],
)
def test_review_and_cover_policies_by_role(people, course, who, reply, hide, remove_cover):
    user = people[who]
    review = ReviewFactory(course=course)

    assert policies.review_can_reply(user=user, review=review) is reply
    assert policies.review_can_hide(user=user) is hide
    assert policies.cover_can_moderate(user=user) is hide
    assert policies.course_cover_can_remove(user=user, course=course) is remove_cover


def test_course_is_instructor_reads_prefetched_instructors(
    people, course, django_assert_num_queries
):
    prefetched = Course.objects.prefetch_related("instructors").get(pk=course.pk)

    with django_assert_num_queries(0):
        assert policies.course_is_instructor(user=people["instructor"], course=prefetched)
        assert not policies.course_is_instructor(user=people["mentor"], course=prefetched)


@pytest.mark.parametrize("who", sorted(STAFF | {"instructor"}))
def test_course_access_lets_every_previewer_through(people, course, who):
    lesson = LessonFactory(module=ModuleFactory(course=course))

    access = lesson_access(user=people[who], lesson=lesson)

    assert access.allowed
    assert course_access(user=people[who], course=course).bypasses_rules
