from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from kalpla.api.serializers import InputSerializer, StrictCharField
from notifications.kinds import CATEGORIES
from notifications.models import Channel, NotificationSettings
from notifications.services import preferences

TIME_FORMAT = "%H:%M"
# 24-hour HH:MM, as the schema states it (\Z: $ would also allow a trailing newline).
LOCAL_TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d\Z"


@extend_schema_field({"type": "string", "pattern": "^([01]\\d|2[0-3]):[0-5]\\d$"})
class LocalTimeOutField(serializers.TimeField):
    """A time of day given as HH:MM (not the schema's ``format: time``, which has seconds)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=TIME_FORMAT, **kwargs)


class LocalTimeField(StrictCharField):
    """A local time of day written HH:MM (24-hour), exactly; validated into a ``time``.

    Not DRF's ``TimeField``: its ``strptime`` formats also take ``7:5`` and seconds, which a
    pattern in the schema cannot state.
    """

    def __init__(self, **kwargs: Any) -> None:
        message = _("Use HH:MM (24-hour), e.g. 22:00.")
        super().__init__(
            trim_whitespace=False,
            validators=[RegexValidator(LOCAL_TIME_PATTERN, message)],
            **kwargs,
        )

    def run_validation(self, data: Any = empty) -> time | None:
        value = super().run_validation(data)
        return None if value is None else datetime.strptime(value, TIME_FORMAT).time()


class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="What happened, e.g. `account.password_changed`.")
    category = serializers.ChoiceField(
        choices=list(CATEGORIES), help_text="The preference category the kind belongs to."
    )
    title = serializers.CharField()
    body = serializers.CharField(help_text="Plain text; may contain newlines.")
    url = serializers.CharField(
        help_text="Path on the site the notification is about (empty when none)."
    )
    urgent = serializers.BooleanField()
    is_read = serializers.BooleanField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class NotificationUnreadCountOut(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)


class NotificationsReadAllOut(serializers.Serializer):
    marked = serializers.IntegerField(min_value=0, help_text="How many were unread.")
    unread_count = serializers.IntegerField(min_value=0)


MATRIX_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Category -> channel -> enabled. Categories: "
        + ", ".join(f"`{c}`" for c in CATEGORIES)
        + "; channels: "
        + ", ".join(f"`{c}`" for c in preferences.CHANNELS)
        + "."
    ),
    # Unknown categories and channels are refused (preferences.matrix_errors): state them all.
    "properties": {
        category: {
            "type": "object",
            "properties": {str(channel): {"type": "boolean"} for channel in preferences.CHANNELS},
            "additionalProperties": False,
        }
        for category in CATEGORIES
    },
    "additionalProperties": False,
}


@extend_schema_field(MATRIX_SCHEMA)
class MatrixField(serializers.Field):
    """Category -> channel -> bool, refused as a whole with flat messages when malformed."""

    def to_internal_value(self, data: Any) -> dict[str, dict[str, bool]]:
        if not isinstance(data, Mapping):
            raise serializers.ValidationError("Expected an object of categories.")
        errors = preferences.matrix_errors(data)
        if errors:
            raise serializers.ValidationError(errors)
        return {category: dict(channels) for category, channels in data.items()}

    def to_representation(self, value: Any) -> Any:
        return value


class NotificationCategoryOut(serializers.Serializer):
    category = serializers.ChoiceField(choices=list(CATEGORIES))
    name = serializers.CharField(help_text="In the user's language.")
    locked_channels = serializers.ListField(
        child=serializers.CharField(),
        help_text="Channels that stay on whatever is chosen (security alerts).",
    )


class NotificationChannelOut(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    name = serializers.CharField(help_text="In the user's language.")


class NotificationPreferencesOut(serializers.Serializer):
    matrix = MatrixField()
    quiet_start = LocalTimeOutField(allow_null=True)
    quiet_end = LocalTimeOutField(allow_null=True)
    digest = serializers.ChoiceField(choices=NotificationSettings.Digest.choices)
    timezone = serializers.CharField(
        help_text="The user's time zone, in which quiet hours and the digest hour are read."
    )
    categories = NotificationCategoryOut(many=True)
    channels = NotificationChannelOut(many=True)


class NotificationPreferencesIn(InputSerializer):
    matrix = MatrixField(
        help_text="Cells left out go back to their defaults; locked cells stay on."
    )
    quiet_start = LocalTimeField(
        allow_null=True, help_text="Local time (HH:MM) quiet hours start, or null for none."
    )
    quiet_end = LocalTimeField(
        allow_null=True,
        help_text="Local time (HH:MM) quiet hours end; may be earlier than the start "
        "(22:00 to 07:00 spans midnight).",
    )
    digest = serializers.ChoiceField(choices=NotificationSettings.Digest.choices)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        errors = preferences.quiet_hours_errors(attrs.get("quiet_start"), attrs.get("quiet_end"))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def preferences_data(*, user: Any) -> dict[str, Any]:
    settings_obj = preferences.notification_settings_read(user=user)
    return {
        "matrix": preferences.preference_matrix(user=user),
        "quiet_start": settings_obj.quiet_start,
        "quiet_end": settings_obj.quiet_end,
        "digest": settings_obj.digest,
        "timezone": user.timezone or "UTC",
        "categories": [
            {
                "category": key,
                "name": str(label),
                "locked_channels": sorted(preferences.locked_channels(key)),
            }
            for key, label in CATEGORIES.items()
        ],
        "channels": [
            {"channel": ch, "name": str(Channel(ch).label)} for ch in preferences.CHANNELS
        ],
    }
