"""Booking as the API shows it: slots, weekly hours and exceptions, sessions (UTC, ``Z``)."""

from rest_framework import serializers

from accounts.api.serializers import UserSummaryOut
from kalpla.api.serializers import InputSerializer, StrictCharField
from mentorship.models import AvailabilityException, MentorSession
from mentorship.services.availability import WEEKDAYS


class MentorSlotOut(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class MentorSlotsOut(serializers.Serializer):
    mentor_profile_id = serializers.IntegerField()
    mentor_timezone = serializers.CharField(help_text="The mentor's own zone (IANA name).")
    length_minutes = serializers.IntegerField()
    start = serializers.DateTimeField(source="from_")
    end = serializers.DateTimeField(source="to")
    results = MentorSlotOut(many=True)


class MentorSlotsQueryIn(InputSerializer):
    length = serializers.IntegerField(
        required=False, help_text="Minutes; one of the mentor's lengths (default: the shortest)."
    )
    from_ = serializers.DateTimeField(required=False, help_text="UTC ISO 8601; default: now.")
    to = serializers.DateTimeField(
        required=False, help_text="UTC ISO 8601; default and maximum: 6 weeks after `from`."
    )
    moving = serializers.IntegerField(
        required=False,
        help_text="The id of one of your sessions with this mentor that you are rescheduling: "
        "its own time counts as free, and the slots are its mentee's.",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class AvailabilityRuleOut(serializers.Serializer):
    id = serializers.IntegerField()
    rrule = serializers.CharField(help_text="RFC 5545 recurrence, e.g. FREQ=WEEKLY;BYDAY=MO,WE")
    start_time = serializers.TimeField(format="%H:%M", help_text="Mentor's local wall clock.")
    end_time = serializers.TimeField(format="%H:%M")
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)


class AvailabilityRuleIn(InputSerializer):
    rrule = StrictCharField(
        required=False,
        max_length=200,
        help_text="A raw RFC 5545 rule (no DTSTART or COUNT); or give `weekdays`.",
    )
    weekdays = serializers.ListField(
        child=serializers.ChoiceField(choices=list(WEEKDAYS)),
        required=False,
        allow_empty=False,
        help_text="Days of the week (MO..SU): builds FREQ=WEEKLY;BYDAY=...",
    )
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    valid_from = serializers.DateField(required=False, help_text="Default: today.")
    valid_until = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if not self.partial and not attrs.get("rrule") and not attrs.get("weekdays"):
            raise serializers.ValidationError({"weekdays": ["Give `weekdays` or `rrule`."]})
        return attrs


class AvailabilityExceptionOut(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=AvailabilityException.Kind.choices)
    start_time = serializers.TimeField(format="%H:%M", allow_null=True)
    end_time = serializers.TimeField(format="%H:%M", allow_null=True)
    note = serializers.CharField()


class AvailabilityExceptionIn(InputSerializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=AvailabilityException.Kind.choices, required=False)
    start_time = serializers.TimeField(required=False, allow_null=True)
    end_time = serializers.TimeField(required=False, allow_null=True)
    note = StrictCharField(required=False, allow_blank=True, max_length=200)


class BookedSessionOut(serializers.Serializer):
    id = serializers.IntegerField()
    mentorship_id = serializers.IntegerField()
    mentor = UserSummaryOut()
    mentee = UserSummaryOut()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=MentorSession.Status.choices)
    agenda = serializers.CharField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField()
    rescheduled_from_id = serializers.IntegerField(allow_null=True)
    ical_uid = serializers.CharField(help_text="iCalendar UID of the invitation.")
    ical_sequence = serializers.IntegerField(help_text="Rises with every change.")


class SessionBookIn(InputSerializer):
    starts_at = serializers.DateTimeField(help_text="A slot's `starts_at` (UTC).")
    length_minutes = serializers.IntegerField(help_text="One of the mentor's session lengths.")
    agenda = StrictCharField(required=False, allow_blank=True, max_length=2000)


class SessionCancelIn(InputSerializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=1000)


class SessionRescheduleIn(InputSerializer):
    starts_at = serializers.DateTimeField(help_text="A slot's `starts_at` (UTC).")
    length_minutes = serializers.IntegerField(
        required=False, help_text="Default: the session's current length."
    )


class MySessionsQueryIn(serializers.Serializer):
    """``when``; ``page`` and ``page_size`` are the paginator's."""

    when = serializers.ChoiceField(
        choices=["upcoming", "past"],
        required=False,
        help_text="`upcoming` (default): booked, not over; `past`: over or cancelled.",
    )
