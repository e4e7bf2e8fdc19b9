from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory
from enrollments.models import Cohort, Enrollment, LessonProgress, WaitlistEntry


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


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort starting in a week, four weeks long, unlimited seats, enrollment open now."""

    class Meta:
        model = Cohort

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(days=28))


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
