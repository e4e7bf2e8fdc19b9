from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from assessments.badges.openbadges import identity_hash
from assessments.engine.data import data_clean
from assessments.models import (
    BadgeAward,
    BadgeClass,
    GradeCategory,
    GradeEntry,
    GradeItem,
    Question,
    QuestionBank,
    QuestionTag,
    Quiz,
    QuizSlot,
)
from courses.models import Lesson
from courses.tests.factories import CourseFactory, LessonFactory


class QuestionBankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionBank

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Bank {n}")


class QuestionTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionTag

    bank = factory.SubFactory(QuestionBankFactory)
    name = factory.Sequence(lambda n: f"tag{n}")


def _true_false(answer: bool = True) -> dict:
    return data_clean(kind="true_false", data={"answer": answer})


class QuestionFactory(factory.django.DjangoModelFactory):
    """A true/false question whose answer is True; pass ``kind`` and raw ``data`` for others
    (the data goes through the engine's ``data_clean``)."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    bank = factory.SubFactory(QuestionBankFactory)
    kind = "true_false"
    text = factory.Sequence(lambda n: f"Statement number {n} is true.")
    data = factory.LazyAttribute(lambda o: data_clean(kind=o.kind, data=o.raw))
    points = 1

    class Params:
        raw = factory.LazyFunction(lambda: {"answer": True})

    @factory.post_generation
    def tags(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            self.tags.set(extracted)  # type: ignore[arg-type]


class QuizFactory(factory.django.DjangoModelFactory):
    """A quiz lesson's quiz (deferred feedback, one attempt, no time limit)."""

    class Meta:
        model = Quiz

    lesson = factory.SubFactory(LessonFactory, kind=Lesson.Kind.QUIZ)
    course = factory.SelfAttribute("lesson.course")


class QuizSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizSlot

    quiz = factory.SubFactory(QuizFactory)
    question = factory.SubFactory(
        QuestionFactory, bank__course=factory.SelfAttribute("...quiz.course")
    )
    position = factory.Sequence(lambda n: n)


class GradeCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GradeCategory

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class GradeItemFactory(factory.django.DjangoModelFactory):
    """A quiz's gradebook column out of 10 points (its quiz has no questions: the points are
    the item's own)."""

    class Meta:
        model = GradeItem

    quiz = factory.SubFactory(QuizFactory)
    course = factory.SelfAttribute("quiz.course")
    max_points = Decimal(10)


class GradeEntryFactory(factory.django.DjangoModelFactory):
    """A released mark."""

    class Meta:
        model = GradeEntry

    item = factory.SubFactory(GradeItemFactory)
    student = factory.SubFactory(UserFactory)
    points = Decimal(5)
    submitted = True
    released = True
    updated_at = factory.LazyFunction(timezone.now)


class BadgeClassFactory(factory.django.DjangoModelFactory):
    """A course's badge, earned by passing it (no image: ``badge_class_create`` draws one)."""

    class Meta:
        model = BadgeClass

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Badge {n}")
    description = "Completed the course with a passing grade."
    criteria = "Pass every quiz of the course and complete its lessons."
    trigger = BadgeClass.Trigger.COURSE_PASSED


class BadgeAwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BadgeAward

    badge = factory.SubFactory(BadgeClassFactory)
    recipient = factory.SubFactory(UserFactory)
    salt = factory.Sequence(lambda n: f"salt{n:028d}")
    identity_hash = factory.LazyAttribute(
        lambda o: identity_hash(email=o.recipient.email, salt=o.salt)
    )
    issued_at = factory.LazyFunction(timezone.now)
