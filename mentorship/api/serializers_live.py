"""Live classes as the API shows them. Viewers get playback details only; the host also gets
the ingest URL and the stream key (``LiveClassHostOut``); staff manage a class without them."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kalpla.api.serializers import InputSerializer, StrictCharField, StrictRegexField
from mentorship.models import LOCAL_MAX_VIEWERS, LiveClass


class LiveCourseOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class LivePersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: Any) -> str:
        return str(user.get_full_name() or user.get_username())


class LiveClassOut(serializers.Serializer):
    id = serializers.IntegerField()
    course = LiveCourseOut()
    host = LivePersonOut()
    title = serializers.CharField()
    description = serializers.CharField()
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    status = serializers.ChoiceField(choices=LiveClass.Status.choices)
    provider = serializers.ChoiceField(
        choices=["ivs", "local"],
        help_text=(
            "`ivs`: play `playback_url` with the Amazon IVS player. `local`: the host "
            f"broadcasts from the browser over WebRTC to at most {LOCAL_MAX_VIEWERS} viewers; "
            "join the signalling socket `signalling_url`."
        ),
    )
    playback_url = serializers.SerializerMethodField()
    signalling_url = serializers.SerializerMethodField()
    chat_room_id = serializers.IntegerField(
        allow_null=True, help_text="The class's chat room: `/ws/chat/{chat_room_id}/`."
    )
    recording_url = serializers.CharField(help_text="Set once the class has ended; may be empty.")
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.CharField())
    def get_playback_url(self, live: LiveClass) -> str:
        """The HLS URL of an IVS class (empty for a local one, which has no HLS stream)."""
        return live.playback_url if live.provider == "ivs" else ""

    @extend_schema_field(serializers.CharField())
    def get_signalling_url(self, live: LiveClass) -> str:
        """Path of the WebRTC signalling socket (local classes; empty with IVS)."""
        return f"/ws/live/{live.pk}/" if live.provider == "local" else ""


class LiveClassHostOut(LiveClassOut):
    """The host's view: what the broadcasting software needs. Keep the stream key secret."""

    ingest_url = serializers.CharField()
    stream_key = serializers.CharField()


def live_class_out(live: LiveClass, *, with_key: bool) -> dict[str, Any]:
    return (LiveClassHostOut if with_key else LiveClassOut)(live).data


class LiveClassScheduleIn(InputSerializer):
    course = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The id of a course you teach."
    )
    title = StrictCharField(max_length=200)
    description = StrictCharField(max_length=4000, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField(help_text="ISO 8601, in the future.")
    duration_minutes = serializers.IntegerField(min_value=10, max_value=480, default=60)


class LiveClassUpdateIn(InputSerializer):
    title = StrictCharField(max_length=200, required=False)
    description = StrictCharField(max_length=4000, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField(required=False)
    duration_minutes = serializers.IntegerField(min_value=10, max_value=480, required=False)


# What the schema promises and the server checks alike: an http(s) address with a host name
# (every string matching it is also a valid URL to Django's URLValidator).
RECORDING_URL_PATTERN = (
    r"^https?://[a-z0-9]{1,40}(\.[a-z0-9]{1,40}){0,3}\.[a-z]{2,20}(/[A-Za-z0-9._~%/-]*)?$"
)


@extend_schema_field(
    {"type": "string", "format": "uri", "pattern": RECORDING_URL_PATTERN, "maxLength": 500}
)
class RecordingURLField(StrictRegexField):
    pass


class LiveClassRecordingIn(InputSerializer):
    url = RecordingURLField(
        RECORDING_URL_PATTERN,
        max_length=500,
        help_text="Where the recording can be watched: an http(s) address.",
    )


class LiveClassAttendanceOut(serializers.Serializer):
    user = LivePersonOut()
    joined_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField()
