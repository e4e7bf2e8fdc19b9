import pytest

from courses.tests.factories import CourseFactory
from enrollments.selectors import cohort_find
from enrollments.tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


def test_cohort_find_matches_name_ignoring_case_and_spaces():
    course = CourseFactory()
    cohort = CohortFactory(course=course, name="January 2027")
    CohortFactory(name="January 2027")  # another course's

    assert cohort_find(course=course, name="  january 2027 ") == cohort
    assert cohort_find(course=course, name="March") is None
    assert cohort_find(course=course, name="") is None
