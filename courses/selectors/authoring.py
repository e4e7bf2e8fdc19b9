"""Reads for the authoring pages: each returns what its page shows, in a fixed number of
queries however many modules and lessons a course has."""

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from courses.guards import require_editor
from courses.models import Course, Lesson, Module, Resource, Review
from courses.selectors.outline import course_outline_modules


def teach_course_list(*, user: Any) -> QuerySet[Course]:
    """The courses ``user`` teaches, newest change first (the course editor's list and the
    mentor's home, one query), with module and lesson counts and ``unanswered_reviews``:
    visible reviews with text and no instructor reply yet."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Course.objects.none()
    unanswered = (
        Review.objects.filter(course=OuterRef("pk"), is_hidden=False, is_held=False, reply="")
        .exclude(text="")
        .order_by()
        .values("course")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Course.objects.filter(instructors__id=user.pk)
        .select_related("category")
        .annotate(
            module_count=Count("modules", distinct=True),
            lesson_count=Count("lessons", distinct=True),
            unanswered_reviews=Coalesce(Subquery(unanswered, output_field=IntegerField()), 0),
        )
        .order_by("-updated_at", "-id")
    )


def review_queue() -> QuerySet[Course]:
    """Courses waiting for staff review, oldest submission first."""
    return (
        Course.objects.filter(status=Course.Status.REVIEW)
        .select_related("category")
        .prefetch_related("instructors")
        .annotate(
            module_count=Count("modules", distinct=True),
            lesson_count=Count("lessons", distinct=True),
        )
        .order_by("updated_at", "id")
    )


def course_get_for_editing(*, slug: str, user: Any) -> Course:
    """The course, for someone who may edit it (404 when missing, 403 for others)."""
    queryset = Course.objects.select_related("category").prefetch_related(
        "instructors", "tags", "prerequisites"
    )
    course = get_object_or_404(queryset, slug=slug)
    require_editor(user, course)
    return course


def course_outline_for_editing(*, course: Course) -> list[Module]:
    """The modules in order, drafts too, each with its lessons (``module.lesson_list``) in
    order."""
    return course_outline_modules(course=course, drafts=True)


def module_get_for_editing(*, module_id: int, user: Any) -> Module:
    queryset = Module.objects.select_related("course").prefetch_related("course__instructors")
    module = get_object_or_404(queryset, pk=module_id)
    require_editor(user, module.course)
    return module


def lesson_get_for_editing(*, lesson_id: int, user: Any) -> Lesson:
    queryset = Lesson.objects.select_related("course", "module").prefetch_related(
        "course__instructors", Prefetch("resources", queryset=Resource.objects.order_by("id"))
    )
    lesson = get_object_or_404(queryset, pk=lesson_id)
    require_editor(user, lesson.course)
    return lesson


def resource_get_for_editing(*, resource_id: int, user: Any) -> Resource:
    queryset = Resource.objects.select_related("lesson__course", "lesson__module")
    resource = get_object_or_404(
        queryset.prefetch_related("lesson__course__instructors"), pk=resource_id
    )
    require_editor(user, resource.lesson.course)
    return resource
