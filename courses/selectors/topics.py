"""Tags as topics for other apps (mentor expertise, learner interests, matching): the tags
themselves and the tags of given courses, without those apps touching course models."""

from collections.abc import Iterable

from django.db.models import QuerySet

from courses.models import Course, Tag


def tag_list() -> QuerySet[Tag]:
    """Every tag, by name."""
    return Tag.objects.order_by("name", "pk")


def tags_by_slugs(*, slugs: Iterable[str]) -> list[Tag]:
    """The tags with these slugs (unknown slugs are left out). One query."""
    wanted = {s for s in slugs if s}
    return list(Tag.objects.filter(slug__in=wanted).order_by("name", "pk")) if wanted else []


def tags_of_courses(*, course_ids: Iterable[int]) -> list[Tag]:
    """The distinct tags of these courses, by name. One query."""
    ids = list(course_ids)
    if not ids:
        return []
    return list(Tag.objects.filter(courses__id__in=ids).distinct().order_by("name", "pk"))


def tags_of_courses_taught_by(*, user_id: int) -> list[Tag]:
    """The distinct tags of the courses a user teaches. One query."""
    courses = Course.objects.filter(instructors__id=user_id).values("pk")
    return list(Tag.objects.filter(courses__in=courses).distinct().order_by("name", "pk"))
