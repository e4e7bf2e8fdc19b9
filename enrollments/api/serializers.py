"""Output shapes of the enrollments API (input is a path parameter only)."""

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courses.selectors import catalogue
from enrollments.api.serializers_lessons import status_field
from enrollments.models import Enrollment

if TYPE_CHECKING:
    from courses.models import Course


def course_cover_url(course: "Course", request: Any = None) -> str | None:
    """The course's card image: the catalogue's helper when present, else the cover file."""
    thumbnail_url = getattr(catalogue, "course_thumbnail_url", None)
    if thumbnail_url is not None:
        url: str | None = thumbnail_url(course)
    elif course.cover:
        url = course.cover.url
    else:
        url = None
    if url and request is not None and url.startswith("/"):
        return request.build_absolute_uri(url)
    return url


class CourseSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    cover_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_cover_url(self, course: "Course") -> str | None:
        return course_cover_url(course, self.context.get("request"))


class EnrollmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    course = CourseSummaryOut()
    status = status_field()
    progress_percent = serializers.IntegerField(
        min_value=0,
        max_value=100,
        help_text="Share of the course's published required lessons completed, as they are now.",
    )
    has_new_lessons = serializers.BooleanField(
        help_text="Completed, and lessons were published since (progress is below 100)."
    )
    last_lesson_id = serializers.IntegerField(allow_null=True)
    continue_lesson_id = serializers.SerializerMethodField(
        help_text="The lesson to open next: the last one opened, else the course's first."
    )
    last_viewed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_continue_lesson_id(self, enrollment: Enrollment) -> int | None:
        return enrollment.last_lesson_id or getattr(enrollment, "first_lesson_id", None)
