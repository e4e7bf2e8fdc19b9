"""Reads of the enrollments app."""

from decimal import Decimal

import pytest

from courses.tests.factories import CategoryFactory, CourseFactory
from enrollments.selectors import course_recommendations
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_recommendations_prefer_the_categories_a_student_learns_in(student):
    music, code = CategoryFactory(name="Music"), CategoryFactory(name="Code")
    EnrollmentFactory(user=student, course=CourseFactory(category=music))
    best_elsewhere = CourseFactory(category=code, rating_average=Decimal("5.00"), rating_count=9)
    same_category = CourseFactory(category=music, rating_average=Decimal("3.00"), rating_count=2)
    picks = course_recommendations(user=student)
    assert picks[0] == same_category and best_elsewhere in picks
