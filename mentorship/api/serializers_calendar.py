"""API shapes of the calendar: the user's private feed."""

from rest_framework import serializers


class CalendarFeedOut(serializers.Serializer):
    """The feed link (null fields while it is off)."""

    enabled = serializers.BooleanField(help_text="Whether the user has a working feed link.")
    url = serializers.URLField(
        allow_null=True, help_text="The secret iCalendar link to subscribe to; null when off."
    )
    created_at = serializers.DateTimeField(
        allow_null=True, help_text="When this link was made (ISO 8601, UTC)."
    )
    last_fetched_at = serializers.DateTimeField(
        allow_null=True, help_text="When a calendar app last read it (updated hourly at most)."
    )
