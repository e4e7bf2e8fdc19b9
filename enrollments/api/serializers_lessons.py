"""Shapes of the lesson API: a lesson for the player, progress and completion."""

from typing import Any

from rest_framework import serializers

from courses.choices import LessonKind, LessonMediaStatus
from kalpla.api.serializers import InputSerializer


def status_field(**kwargs: Any) -> serializers.CharField:
    """An enrollment status, documented in words rather than as an enum component: other
    apps' ``status`` enums would clash with it in the schema."""
    return serializers.CharField(
        help_text="Enrollment status: `active`, `completed` or `cancelled`.", **kwargs
    )


class LessonCourseOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()


class LessonModuleOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ResourceLinkOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    filename = serializers.CharField()
    url = serializers.CharField(help_text="Signed, short-lived download link.")


class LessonProgressOut(serializers.Serializer):
    position_seconds = serializers.FloatField(min_value=0)
    completed = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class LessonOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=LessonKind.choices)
    duration = serializers.IntegerField(help_text="Seconds.")
    is_preview = serializers.BooleanField()
    is_required = serializers.BooleanField()
    course = LessonCourseOut()
    module = LessonModuleOut()
    access = serializers.ChoiceField(
        choices=["staff", "instructor", "preview", "enrolled"],
        help_text="Why the signed-in user may open this lesson.",
    )
    content_html = serializers.CharField(
        help_text="Text lessons: the Markdown content rendered to sanitised HTML."
    )
    transcript = serializers.CharField()
    media_status = serializers.ChoiceField(choices=LessonMediaStatus.choices)
    media_url = serializers.CharField(allow_null=True, help_text="Signed link to the video/audio.")
    captions_url = serializers.CharField(
        allow_null=True, help_text="Signed link to WebVTT captions."
    )
    narration_url = serializers.CharField(
        allow_null=True, help_text="Signed link to the narration audio of a text lesson."
    )
    poster_url = serializers.CharField(allow_null=True)
    resources = ResourceLinkOut(many=True)
    previous_lesson_id = serializers.IntegerField(allow_null=True)
    next_lesson_id = serializers.IntegerField(allow_null=True)
    progress = LessonProgressOut(
        allow_null=True, help_text="The signed-in user's progress; null without an enrollment."
    )


class LessonProgressIn(InputSerializer):
    position_seconds = serializers.FloatField(
        min_value=0, max_value=24 * 3600, help_text="Playback position in seconds."
    )


class LessonCompleteOut(serializers.Serializer):
    lesson_id = serializers.IntegerField()
    completed = serializers.BooleanField()
    course_progress_percent = serializers.IntegerField(min_value=0, max_value=100)
    enrollment_status = status_field()
    course_completed_at = serializers.DateTimeField(allow_null=True)
