"""Input and output shapes of the directory API: mentors, profiles, preferences,
suggestions, requests and mentorships."""

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserSummaryOut, avatar_url
from accounts.validators import timezone_names
from kalpla.api.serializers import InputSerializer, StrictCharField, StrictRegexField
from mentorship.models import Mentorship, MentorshipRequest
from mentorship.selectors.directory import local_time, places_left
from mentorship.services.profiles import LANGUAGE_CODES, MAX_LANGUAGES

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


class TextIn(StrictCharField):
    """Text input where NUL characters (which PostgreSQL text cannot hold and the schema does
    not exclude) are dropped instead of refused."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value(data).replace("\x00", "")


class TopicOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class MentorshipCourseOut(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class MentorCardOut(serializers.Serializer):
    """A mentor as the directory lists them."""

    id = serializers.IntegerField()
    user = UserSummaryOut()
    name = serializers.CharField(source="user.display_name")
    avatar_url = serializers.SerializerMethodField()
    headline = serializers.CharField()
    tags = TopicOut(many=True, source="expertise.all")
    languages = serializers.SerializerMethodField()
    timezone = serializers.CharField()
    local_time = serializers.SerializerMethodField(
        help_text="The mentor's wall-clock time now, ISO 8601 with their UTC offset."
    )
    places_left = serializers.SerializerMethodField()
    is_accepting = serializers.BooleanField()
    rating_average = serializers.SerializerMethodField()
    rating_count = serializers.IntegerField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_avatar_url(self, profile: Any) -> str | None:
        return avatar_url(profile.user, self.context.get("request"))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_languages(self, profile: Any) -> list[str]:
        return [lang.code for lang in profile.languages.all()]

    @extend_schema_field(serializers.CharField())
    def get_local_time(self, profile: Any) -> str:
        return local_time(profile, now=self.context.get("now") or timezone.now()).isoformat(
            timespec="minutes"
        )

    @extend_schema_field(serializers.IntegerField())
    def get_places_left(self, profile: Any) -> int:
        return places_left(profile)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_rating_average(self, profile: Any) -> float | None:
        value = getattr(profile, "rating_average", None)
        return round(float(value), 2) if value is not None else None


class MentorDetailOut(MentorCardOut):
    bio = serializers.CharField()
    session_lengths = serializers.ListField(child=serializers.IntegerField())
    is_listed = serializers.BooleanField()


class MentorProfileOut(MentorDetailOut):
    """The mentor's own profile, with the booking rules."""

    capacity = serializers.IntegerField()
    min_notice_minutes = serializers.IntegerField()
    buffer_minutes = serializers.IntegerField()
    max_sessions_per_day = serializers.IntegerField()
    cancel_window_hours = serializers.IntegerField()
    reschedule_window_hours = serializers.IntegerField()
    horizon_days = serializers.IntegerField()
    slot_step_minutes = serializers.IntegerField()


def _tags_input(**kwargs: Any) -> Any:
    """Tag slugs; slugs that name no tag are a 404 (``unknown_topic``)."""
    return serializers.ListField(
        child=StrictRegexField(SLUG_PATTERN, max_length=50, trim_whitespace=False),
        max_length=30,
        **kwargs,
    )


def _languages_input() -> Any:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(LANGUAGE_CODES)),
        max_length=MAX_LANGUAGES,
        required=False,
        help_text="ISO 639-1 codes.",
    )


class MentorProfileIn(InputSerializer):
    """PATCH: every field optional."""

    headline = TextIn(max_length=160, required=False)
    bio = TextIn(max_length=4000, allow_blank=True, required=False)
    expertise = _tags_input(required=False, help_text="Tag slugs.")
    languages = _languages_input()
    timezone = serializers.ChoiceField(choices=[], required=False)
    capacity = serializers.IntegerField(min_value=0, max_value=200, required=False)
    session_lengths = serializers.ListField(
        child=serializers.IntegerField(min_value=10, max_value=240),
        min_length=1,
        required=False,
        help_text="Minutes, each between 10 and 240.",
    )
    is_accepting = serializers.BooleanField(required=False)
    is_listed = serializers.BooleanField(required=False)
    min_notice_minutes = serializers.IntegerField(min_value=0, max_value=43200, required=False)
    buffer_minutes = serializers.IntegerField(min_value=0, max_value=240, required=False)
    max_sessions_per_day = serializers.IntegerField(min_value=1, max_value=48, required=False)
    cancel_window_hours = serializers.IntegerField(min_value=0, max_value=720, required=False)
    reschedule_window_hours = serializers.IntegerField(min_value=0, max_value=720, required=False)
    horizon_days = serializers.IntegerField(min_value=1, max_value=180, required=False)
    slot_step_minutes = serializers.IntegerField(min_value=5, max_value=240, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["timezone"]
        field.choices = timezone_names()


class MentorProfileCreateIn(MentorProfileIn):
    """PUT: the headline is required; other fields left out keep their (default) values."""

    headline = TextIn(max_length=160)


class LearnerPreferenceOut(serializers.Serializer):
    interests = TopicOut(many=True, source="interests.all")
    languages = serializers.ListField(child=serializers.CharField())
    goals = serializers.CharField()
    updated_at = serializers.DateTimeField(allow_null=True)


class LearnerPreferenceIn(InputSerializer):
    interests = _tags_input(required=False, help_text="Tag slugs.")
    languages = _languages_input()
    goals = TextIn(max_length=4000, allow_blank=True, required=False)


class SuggestionOut(serializers.Serializer):
    mentor = MentorCardOut()
    score = serializers.FloatField()
    shared_topics = serializers.ListField(child=serializers.CharField())
    shared_languages = serializers.ListField(child=serializers.CharField())
    overlap_hours = serializers.FloatField()
    places_left = serializers.IntegerField()
    explanation = serializers.CharField()


class MentorshipRequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    mentor = UserSummaryOut()
    mentee = UserSummaryOut()
    direction = serializers.SerializerMethodField()
    course = MentorshipCourseOut(allow_null=True)
    topics = TopicOut(many=True, source="topics.all")
    message = serializers.CharField()
    status = serializers.ChoiceField(choices=MentorshipRequest.Status.choices)
    decline_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    mentorship_id = serializers.IntegerField(allow_null=True)

    @extend_schema_field(serializers.ChoiceField(choices=["incoming", "outgoing"]))
    def get_direction(self, obj: MentorshipRequest) -> str:
        request = self.context.get("request")
        user_id = getattr(getattr(request, "user", None), "pk", None)
        return "incoming" if obj.mentor_id == user_id else "outgoing"


class MentorshipRequestIn(InputSerializer):
    mentor_profile_id = serializers.IntegerField(min_value=1)
    message = TextIn(max_length=2000)
    course = StrictRegexField(
        SLUG_PATTERN,
        trim_whitespace=False,
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Slug of a course you take.",
    )
    topics = _tags_input(required=False, help_text="Tag slugs.")


class ReasonIn(InputSerializer):
    # Required by the service (after it checks who asks): an empty reason is a 400 there.
    reason = TextIn(max_length=1000, required=False, allow_blank=True, default="")


class MentorshipOut(serializers.Serializer):
    id = serializers.IntegerField()
    mentor = UserSummaryOut()
    mentee = UserSummaryOut()
    course = MentorshipCourseOut(allow_null=True)
    status = serializers.ChoiceField(choices=Mentorship.Status.choices)
    started_on = serializers.DateField()
    ended_at = serializers.DateTimeField(allow_null=True)
    ended_by = UserSummaryOut(allow_null=True)
    end_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
