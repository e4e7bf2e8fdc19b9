import factory

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory
from enrollments.models import Enrollment, LessonProgress


class EnrollmentFactory(factory.django.DjangoModelFactory):
    """An active enrollment written straight to the table (no count update)."""

    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)


class LessonProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonProgress

    enrollment = factory.SubFactory(EnrollmentFactory)
    lesson = factory.SubFactory("courses.tests.factories.LessonFactory")
    position_seconds = 0.0
