"""Shapes of the cohorts and waitlists API."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enrollments.cohorts.selectors import MyPlace, seats_left
from enrollments.models import Cohort, WaitlistEntry


class CohortIn(serializers.Serializer):
    """A cohort's fields (all required to create; any of them to change)."""

    name = serializers.CharField(max_length=120)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(help_text="After starts_at.")
    capacity = serializers.IntegerField(
        min_value=1, allow_null=True, required=False, help_text="Seats; null is unlimited."
    )
    opens_at = serializers.DateTimeField(
        allow_null=True, required=False, help_text="When enrollment opens; null: now."
    )
    closes_at = serializers.DateTimeField(
        allow_null=True, required=False, help_text="When enrollment closes; null: at the end."
    )
    is_active = serializers.BooleanField(
        required=False, help_text="False archives the cohort: it takes no new enrollments."
    )


class MyPlaceOut(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["enrolled", "waiting", "offered"],
        help_text="enrolled in this cohort; waiting on its waitlist; offered a held seat.",
    )
    position = serializers.IntegerField(
        allow_null=True, help_text="Place in line while waiting (1 is next)."
    )
    offer_expires_at = serializers.DateTimeField(
        allow_null=True, help_text="Until when the offered seat is held."
    )


def my_place_data(place: MyPlace | None) -> dict[str, Any] | None:
    if place is None:
        return None
    if place.enrolled or place.entry is None:
        return {"status": "enrolled", "position": None, "offer_expires_at": None}
    return {
        "status": place.entry.status,
        "position": place.position,
        "offer_expires_at": place.entry.offer_expires_at,
    }


class CohortOut(serializers.Serializer):
    """A cohort with its seats. Context: ``places`` (the viewer's, by cohort id)."""

    id = serializers.IntegerField()
    course = serializers.SlugField(source="course.slug", help_text="The course's slug.")
    name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(allow_null=True, help_text="null: unlimited seats.")
    seats_taken = serializers.SerializerMethodField(
        help_text="Live enrollments plus seats held for waitlist offers."
    )
    seats_left = serializers.SerializerMethodField(help_text="null: unlimited.")
    waitlist_count = serializers.IntegerField(source="waiting_count")
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    is_active = serializers.BooleanField()
    enrollment_open = serializers.SerializerMethodField(
        help_text="Takes enrollments now (active, inside its window, not over)."
    )
    my_place = serializers.SerializerMethodField(
        help_text="The signed-in viewer's place in this cohort; null: none."
    )

    @extend_schema_field(serializers.IntegerField())
    def get_seats_taken(self, cohort: Cohort) -> int:
        return int(cohort.enrolled_count + cohort.offer_count)  # type: ignore[attr-defined]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_seats_left(self, cohort: Cohort) -> int | None:
        return seats_left(cohort)

    @extend_schema_field(serializers.BooleanField())
    def get_enrollment_open(self, cohort: Cohort) -> bool:
        return cohort.enrollment_open(self.context["now"])

    @extend_schema_field(MyPlaceOut(allow_null=True))
    def get_my_place(self, cohort: Cohort) -> dict[str, Any] | None:
        return my_place_data(self.context.get("places", {}).get(cohort.pk))


class StudentOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    email = serializers.EmailField()


class RosterEnrollmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    student = StudentOut(source="user")
    status = serializers.CharField()
    origin = serializers.CharField(
        source="source", help_text="How they enrolled: free, paid, staff, import..."
    )
    progress_percent = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class WaitlistEntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    cohort = serializers.IntegerField(source="cohort_id")
    status = serializers.ChoiceField(choices=WaitlistEntry.Status.choices)
    position = serializers.SerializerMethodField(help_text="Place in line while waiting.")
    created_at = serializers.DateTimeField()
    offered_at = serializers.DateTimeField(allow_null=True)
    offer_expires_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_position(self, entry: WaitlistEntry) -> int | None:
        return self.context.get("positions", {}).get(entry.pk)


class WaitlistQueueOut(WaitlistEntryOut):
    student = StudentOut(source="user")


class CohortChoiceIn(serializers.Serializer):
    cohort = serializers.IntegerField(
        required=False, allow_null=True, help_text="The id of one of the course's cohorts."
    )
