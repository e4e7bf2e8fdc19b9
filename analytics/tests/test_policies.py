import pytest

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from analytics.policies import (
    analytics_can_view_course,
    analytics_can_view_platform,
    analytics_can_view_some_course,
)
from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def _with_role(role):
    from accounts.services import user_roles_set

    user = UserFactory()
    user_roles_set(user=user, roles=(role,))
    return user


def test_course_analytics_for_staff_and_own_instructors_only():
    mentor, other, student = _with_role(Role.MENTOR), _with_role(Role.MENTOR), UserFactory()
    staff = UserFactory(is_staff=True)
    course = CourseFactory()
    course.instructors.add(mentor)
    assert analytics_can_view_course(user=mentor, course=course)
    assert not analytics_can_view_course(user=other, course=course)
    assert not analytics_can_view_course(user=student, course=course)
    assert analytics_can_view_course(user=staff, course=course)
    assert analytics_can_view_platform(user=staff)
    assert not analytics_can_view_platform(user=mentor)
    assert analytics_can_view_some_course(user=other)
    assert not analytics_can_view_some_course(user=student)
