"""Mentorship test data. Factories write rows directly; tests of a rule call the services."""

from datetime import date, time, timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.tests.factories import CourseFactory
from mentorship.models import (
    ActionItem,
    AvailabilityException,
    AvailabilityRule,
    CalendarFeed,
    Goal,
    LearnerPreference,
    LiveClass,
    MentorLanguage,
    MentorProfile,
    MentorSession,
    Mentorship,
    MentorshipRequest,
    Milestone,
    ProgressUpdate,
    SessionNote,
)


class MentorProfileFactory(factory.django.DjangoModelFactory):
    """A listed mentor (the Mentor role) speaking English; ``languages=["en", "hi"]``."""

    class Meta:
        model = MentorProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, roles=("Mentor",))
    headline = factory.Sequence(lambda n: f"Mentor {n}: data and design")
    bio = "Ten years of teaching."
    timezone = "UTC"
    min_notice_minutes = 0
    buffer_minutes = 0

    @factory.post_generation
    def languages(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            for code in extracted if extracted is not None else ["en"]:
                MentorLanguage.objects.create(mentor=self, code=code)

    @factory.post_generation
    def expertise(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.expertise.set(extracted)


class LearnerPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerPreference

    user = factory.SubFactory(UserFactory)
    languages = factory.LazyFunction(lambda: ["en"])


class MentorshipRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorshipRequest

    mentee = factory.SubFactory(UserFactory)
    mentor = factory.SubFactory(UserFactory, roles=("Mentor",))
    message = "I would like help with my project."


class MentorshipFactory(factory.django.DjangoModelFactory):
    """An active mentorship; the mentor gets a profile unless ``mentor`` is given one."""

    class Meta:
        model = Mentorship

    mentor = factory.LazyFunction(lambda: MentorProfileFactory().user)
    mentee = factory.SubFactory(UserFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=14))


class AvailabilityRuleFactory(factory.django.DjangoModelFactory):
    """Weekdays 09:00-17:00 in the mentor's time zone, from a week ago."""

    class Meta:
        model = AvailabilityRule

    mentor = factory.SubFactory(MentorProfileFactory)
    rrule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    start_time = time(9, 0)
    end_time = time(17, 0)
    valid_from = factory.LazyFunction(lambda: date.today() - timedelta(days=7))


class AvailabilityExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityException

    mentor = factory.SubFactory(MentorProfileFactory)
    date = factory.LazyFunction(lambda: date.today() + timedelta(days=1))
    kind = AvailabilityException.Kind.OFF


def _tomorrow_at_ten() -> "timezone.datetime":
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    return start + timedelta(days=1)


class MentorSessionFactory(factory.django.DjangoModelFactory):
    """A booked hour tomorrow at 10:00 UTC in a new mentorship."""

    class Meta:
        model = MentorSession

    mentorship = factory.SubFactory(MentorshipFactory)
    mentor = factory.LazyAttribute(lambda o: o.mentorship.mentor)
    mentee = factory.LazyAttribute(lambda o: o.mentorship.mentee)
    starts_at = factory.LazyFunction(_tomorrow_at_ten)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    booked_by = factory.LazyAttribute(lambda o: o.mentee)


class SessionNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionNote

    session = factory.SubFactory(MentorSessionFactory)
    author = factory.LazyAttribute(lambda o: o.session.mentor)
    body = "Worked through the project plan."


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    mentorship = factory.SubFactory(MentorshipFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.LazyAttribute(lambda o: o.mentorship.mentee)
    created_by = factory.LazyAttribute(lambda o: o.mentorship.mentor)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    mentorship = factory.SubFactory(MentorshipFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    created_by = factory.LazyAttribute(lambda o: o.mentorship.mentee)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    mentorship = factory.SubFactory(MentorshipFactory)
    author = factory.LazyAttribute(lambda o: o.mentorship.mentee)
    body = "Finished the first chapter."


class LiveClassFactory(factory.django.DjangoModelFactory):
    """A scheduled class tomorrow, hosted by one of the course's instructors."""

    class Meta:
        model = LiveClass

    host = factory.SubFactory(UserFactory, roles=("Mentor",))
    course = factory.LazyAttribute(lambda o: CourseFactory(instructors=[o.host]))
    title = factory.Sequence(lambda n: f"Live class {n}")
    starts_at = factory.LazyFunction(_tomorrow_at_ten)


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)
