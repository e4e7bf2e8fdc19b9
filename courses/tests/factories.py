"""Shared factories of the courses app; other apps' tests import these."""

from typing import Any

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.models import Category, Course, Lesson, Module, Resource, Review, Tag


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"tag{n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class CourseFactory(factory.django.DjangoModelFactory):
    """A published course. ``CourseFactory(instructors=[mentor], tags=[tag])``.

    ``CourseFactory(status=Course.Status.DRAFT)`` gives a draft (no ``published_at``).
    The search document is refreshed after creation; after adding modules/lessons, call
    ``courses.services.search.course_search_document_refresh(course=...)`` again if a
    test searches their titles.
    """

    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    # Fixed words, not Faker's: random English words would make search tests flaky.
    subtitle = factory.Sequence(lambda n: f"Subtitle number {n}")
    description = factory.Sequence(lambda n: f"Description number {n}.")
    category = factory.SubFactory(CategoryFactory)
    status = Course.Status.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Course.Status.PUBLISHED else None
    )

    @factory.post_generation
    def instructors(self, create: bool, extracted: Any, **kwargs: object) -> None:
        if create and extracted:
            self.instructors.set(extracted)

    @factory.post_generation
    def tags(self, create: bool, extracted: Any, **kwargs: object) -> None:
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def search_document(self, create: bool, extracted: Any, **kwargs: object) -> None:
        if create:
            from courses.services.search import course_search_document_refresh

            course_search_document_refresh(course=self)


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    order = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    """A text lesson; ``course`` follows ``module`` unless given."""

    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    course = factory.SelfAttribute("module.course")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    kind = Lesson.Kind.TEXT
    order = factory.Sequence(lambda n: n)
    duration = 300
    content = "Lesson body."
    # A lesson made here stands for one students already know (as migrations left them).
    announced_at = factory.LazyFunction(timezone.now)


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review written straight to the table (no rating aggregate, no sentiment job).

    Use ``courses.services.reviews.review_create_or_update`` when a test needs those.
    """

    class Meta:
        model = Review

    course = factory.SubFactory(CourseFactory)
    user = factory.SubFactory(UserFactory)
    rating = 5
    text = factory.Faker("sentence")


class ResourceFactory(factory.django.DjangoModelFactory):
    """A downloadable file of a lesson, stored in the default storage."""

    class Meta:
        model = Resource

    lesson = factory.SubFactory(LessonFactory)
    title = factory.Sequence(lambda n: f"Handout {n}")
    file = factory.django.FileField(filename="handout.pdf", data=b"%PDF-1.4\n%%EOF\n")
