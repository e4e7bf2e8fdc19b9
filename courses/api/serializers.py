"""Output and input serializers of the catalogue, course and review endpoints."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserSummaryOut
from courses.models import Course, Lesson, Review
from courses.selectors.catalogue import course_thumbnail_url
from courses.services.media import UPLOAD_KINDS
from kalpla.api.serializers import InputSerializer, StrictCharField


def _absolute(url: str | None, request: Any) -> str | None:
    if url is None or request is None or url.startswith(("http://", "https://")):
        return url
    return str(request.build_absolute_uri(url))


class MoneyOut(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField(help_text="ISO 4217 code, e.g. INR.")


class CategorySummaryOut(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class CategoryOut(CategorySummaryOut):
    parent = serializers.SlugField(  # type: ignore[assignment]  # a field, not Field.parent
        source="parent.slug", allow_null=True, default=None, help_text="Parent category slug."
    )
    course_count = serializers.IntegerField(help_text="Published courses in this category.")


class TagOut(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class RatingOut(serializers.Serializer):
    average = serializers.DecimalField(
        max_digits=3, decimal_places=2, coerce_to_string=True, help_text="0.00 to 5.00."
    )
    count = serializers.IntegerField(help_text="Number of visible reviews.")


class CourseCardOut(serializers.Serializer):
    """One course in the catalogue."""

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    subtitle = serializers.CharField()
    level = serializers.ChoiceField(choices=Course.Level.choices)
    language = serializers.CharField()
    category = CategorySummaryOut(allow_null=True)
    tags = TagOut(many=True)
    instructors = UserSummaryOut(many=True)
    price = serializers.SerializerMethodField()
    is_free = serializers.BooleanField()
    rating = serializers.SerializerMethodField()
    enrollment_count = serializers.IntegerField()
    lesson_count = serializers.SerializerMethodField()
    duration = serializers.SerializerMethodField(help_text="Total duration in seconds.")
    thumbnail_url = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(MoneyOut)
    def get_price(self, course: Course) -> dict[str, str]:
        return {"amount": f"{course.price:.2f}", "currency": course.currency}

    @extend_schema_field(RatingOut)
    def get_rating(self, course: Course) -> dict[str, Any]:
        return {"average": f"{course.rating_average:.2f}", "count": course.rating_count}

    @extend_schema_field(serializers.IntegerField())
    def get_lesson_count(self, course: Course) -> int:
        return int(getattr(course, "lesson_total", 0) or 0)

    @extend_schema_field(serializers.IntegerField())
    def get_duration(self, course: Course) -> int:
        return int(getattr(course, "lesson_duration", 0) or course.estimated_duration or 0)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_thumbnail_url(self, course: Course) -> str | None:
        return _absolute(course_thumbnail_url(course), self.context.get("request"))


class LessonOutlineOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Lesson.Kind.choices)
    duration = serializers.IntegerField(help_text="Seconds.")
    is_preview = serializers.BooleanField(help_text="Free preview: open to everyone.")


class ModuleOutlineOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    duration = serializers.IntegerField(help_text="Seconds, the sum of its lessons.")
    lessons = LessonOutlineOut(many=True)


class CourseLinkOut(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


ENROLL_STATES = ["enroll", "continue", "locked", "sign_in", "payment_required", "completed"]


class CourseDetailOut(CourseCardOut):
    """A course page: the card plus description, outline and the viewer's state.

    Context: ``outline`` (``courses.cache.course_outline``), ``is_enrolled``, ``enroll_state``.
    """

    description = serializers.CharField(help_text="Markdown as written by the instructors.")
    description_html = serializers.SerializerMethodField(
        help_text="The description as sanitised HTML."
    )
    prerequisites = CourseLinkOut(many=True)
    requires_cohort = serializers.BooleanField(
        help_text="Enrolling names one of the course's cohorts (GET .../cohorts/)."
    )
    modules = serializers.SerializerMethodField()
    is_enrolled = serializers.SerializerMethodField()
    enroll_state = serializers.SerializerMethodField(
        help_text=(
            "What the enroll button does for this viewer: enroll, continue (enrolled), locked "
            "(prerequisites missing), sign_in (anonymous), payment_required or completed."
        )
    )
    status = serializers.SerializerMethodField(
        help_text="draft, review, published or archived; only instructors and staff see the "
        "others than published."
    )

    # An inline enum: a named component would collide with other apps' "status" enums.
    @extend_schema_field({"type": "string", "enum": list(Course.Status.values)})
    def get_status(self, course: Course) -> str:
        return str(course.status)

    @extend_schema_field(serializers.CharField())
    def get_description_html(self, course: Course) -> str:
        return str(self.context["outline"]["description_html"])

    @extend_schema_field(ModuleOutlineOut(many=True))
    def get_modules(self, course: Course) -> Any:
        return ModuleOutlineOut(self.context["outline"]["modules"], many=True).data

    @extend_schema_field(serializers.BooleanField())
    def get_is_enrolled(self, course: Course) -> bool:
        return bool(self.context.get("is_enrolled"))

    @extend_schema_field(serializers.ChoiceField(choices=ENROLL_STATES))
    def get_enroll_state(self, course: Course) -> str:
        return str(self.context.get("enroll_state", "sign_in"))

    @extend_schema_field(serializers.IntegerField())
    def get_lesson_count(self, course: Course) -> int:
        return int(self.context["outline"]["lesson_count"])

    @extend_schema_field(serializers.IntegerField())
    def get_duration(self, course: Course) -> int:
        return int(self.context["outline"]["duration"] or course.estimated_duration or 0)


class ReviewReplyOut(serializers.Serializer):
    text = serializers.CharField()
    by = UserSummaryOut(allow_null=True)
    at = serializers.DateTimeField(allow_null=True)


class ReviewOut(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField()
    user = UserSummaryOut()
    reply = serializers.SerializerMethodField()
    held = serializers.BooleanField(
        source="is_held",
        help_text="Held for review: only its author (and moderators) see it until approved.",
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(ReviewReplyOut(allow_null=True))
    def get_reply(self, review: Review) -> dict[str, Any] | None:
        if not review.reply:
            return None
        return ReviewReplyOut(
            {"text": review.reply, "by": review.replied_by, "at": review.replied_at},
            context=self.context,
        ).data


class ReviewModerationOut(ReviewOut):
    is_hidden = serializers.BooleanField()


class ReviewIn(InputSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")


class ReviewReplyIn(InputSerializer):
    text = StrictCharField(
        max_length=5000, allow_blank=True, help_text="An empty text removes the reply."
    )


class ReviewReportIn(InputSerializer):
    reason = StrictCharField(max_length=500, help_text="What breaks the rules.")


class ReviewReportOut(serializers.Serializer):
    reported = serializers.BooleanField()


class ReviewHideIn(InputSerializer):
    hidden = serializers.BooleanField(default=True, help_text="false shows the review again.")


class UploadStartIn(InputSerializer):
    kind = serializers.ChoiceField(
        choices=UPLOAD_KINDS,
        help_text="What the file is for: a cover image, a lesson's video, audio or document.",
    )
    filename = StrictCharField(max_length=255, help_text="The file's name on the device.")
    content_type = StrictCharField(max_length=255, help_text="Its MIME type, e.g. video/mp4.")
    size = serializers.IntegerField(min_value=1, help_text="Its size in bytes.")


class UploadStartOut(serializers.Serializer):
    url = serializers.URLField(help_text="Where to POST the file (multipart/form-data).")
    # The serializer's metaclass takes declared fields out of the class, so this name does
    # not hide Serializer.fields at run time; mypy only sees the class attribute.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.CharField(),
        help_text="Form fields to send first, in this order, before the file (field `file`).",
    )
    key = serializers.CharField(
        help_text="The upload's key: send it to the lesson's or course's confirm step."
    )
