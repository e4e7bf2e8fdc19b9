"""Input and output shapes of the at-risk learners and campaigns API."""

from datetime import UTC, datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analytics.models import CAMPAIGN_CHANNELS, Campaign, Segment
from kalpla.api.serializers import InputSerializer, StrictCharField


class UtcDateTimeField(serializers.DateTimeField):
    """ISO 8601 in UTC with ``Z``."""

    def to_representation(self, value: datetime | None) -> Any:
        if value is None:
            return None
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- at-risk learners --------------------------------------------------------------------


class AtRiskLearnerOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class AtRiskOut(serializers.Serializer):
    learner = serializers.SerializerMethodField()
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=["inactive", "behind", "failing"]),
        help_text="Why: `inactive` (no lesson opened for N days), `behind` (progress well "
        "below the expected for their cohort or enrollment age), `failing` (course total below "
        "the pass mark).",
    )
    progress = serializers.IntegerField(help_text="Progress in percent.")
    expected_progress = serializers.IntegerField(source="expected", allow_null=True)
    last_active_at = UtcDateTimeField(source="last_active")
    enrolled_at = UtcDateTimeField()
    last_nudged_at = UtcDateTimeField(allow_null=True)

    @extend_schema_field(AtRiskLearnerOut)
    def get_learner(self, obj: Any) -> dict[str, Any]:
        return {"id": obj.user_id, "name": obj.name, "email": obj.email}


class NudgeIn(InputSerializer):
    learner_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        min_length=1,
        max_length=1000,
        help_text="The at-risk learners to nudge; leave out to nudge the whole list.",
    )


class NudgeOut(serializers.Serializer):
    nudged = serializers.ListField(child=serializers.IntegerField(), help_text="Learner ids.")
    skipped = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Learner ids nudged less than a day ago, left alone.",
    )


# --- segments ----------------------------------------------------------------------------


class SegmentIn(InputSerializer):
    name = StrictCharField(max_length=120)
    description = StrictCharField(max_length=300, required=False, allow_blank=True, default="")
    rules = serializers.JSONField(
        help_text='`{"match": "all"|"any", "rules": [rule or group]}`; rule types: '
        "`enrolled_in`, `not_enrolled_in`, `completed`, `not_completed` (`course`), "
        "`progress_below` (`course`, `percent`), `inactive_days`, `active_within_days`, "
        "`signed_up_within_days` (`days`), `role` (`role`), `language` (`language`)."
    )


class SegmentPatchIn(SegmentIn):
    name = StrictCharField(max_length=120, required=False)
    rules = serializers.JSONField(required=False)


class SegmentOut(serializers.ModelSerializer):
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    class Meta:
        model = Segment
        fields = ("id", "name", "description", "rules", "created_at", "updated_at")


class RulesIn(InputSerializer):
    rules = serializers.JSONField()


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    email = serializers.EmailField()


class SegmentCountOut(serializers.Serializer):
    count = serializers.IntegerField()
    sample = PersonOut(many=True, help_text="The first people it selects (at most 10).")


# --- campaigns ---------------------------------------------------------------------------


class CampaignIn(InputSerializer):
    name = StrictCharField(max_length=120)
    segment_id = serializers.IntegerField(min_value=1)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=CAMPAIGN_CHANNELS), min_length=1
    )
    inapp_title = StrictCharField(max_length=200, required=False, allow_blank=True)
    inapp_body = StrictCharField(max_length=1000, required=False, allow_blank=True)
    email_subject = StrictCharField(max_length=200, required=False, allow_blank=True)
    email_body = StrictCharField(max_length=20000, required=False, allow_blank=True)
    sms_text = StrictCharField(max_length=320, required=False, allow_blank=True)
    push_title = StrictCharField(max_length=100, required=False, allow_blank=True)
    push_body = StrictCharField(max_length=240, required=False, allow_blank=True)
    link_url = StrictCharField(max_length=500, required=False, allow_blank=True)


class CampaignPatchIn(CampaignIn):
    name = StrictCharField(max_length=120, required=False)
    segment_id = serializers.IntegerField(min_value=1, required=False)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=CAMPAIGN_CHANNELS), min_length=1, required=False
    )


class ScheduleIn(InputSerializer):
    send_at = serializers.DateTimeField(help_text="When to send (ISO 8601, in the future).")


class SegmentSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CampaignOut(serializers.ModelSerializer):
    segment = SegmentSummaryOut()
    channels = serializers.ListField(child=serializers.ChoiceField(choices=CAMPAIGN_CHANNELS))
    scheduled_at = UtcDateTimeField(allow_null=True)
    sent_at = UtcDateTimeField(allow_null=True)
    created_at = UtcDateTimeField()

    class Meta:
        model = Campaign
        fields = (
            "id",
            "name",
            "segment",
            "channels",
            "inapp_title",
            "inapp_body",
            "email_subject",
            "email_body",
            "sms_text",
            "push_title",
            "push_body",
            "link_url",
            "status",
            "scheduled_at",
            "sent_at",
            "targeted",
            "created_at",
        )


class ChannelReportOut(serializers.Serializer):
    channel = serializers.ChoiceField(choices=CAMPAIGN_CHANNELS)
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField(allow_null=True)
    pending = serializers.IntegerField(help_text="Queued, held for quiet hours or for a digest.")
    not_delivered = serializers.IntegerField(
        help_text="Bounced, complained, failed, suppressed or skipped."
    )
    opened = serializers.IntegerField(
        allow_null=True, help_text="People; null: the channel cannot measure opens (SMS, push)."
    )
    clicked = serializers.IntegerField(
        allow_null=True, help_text="People; null: not measurable per channel here."
    )


class CampaignReportOut(serializers.Serializer):
    targeted = serializers.IntegerField(help_text="People the segment selected at sending.")
    reached = serializers.IntegerField(help_text="People at least one channel carried it to.")
    channels = ChannelReportOut(many=True)
    opened_people = serializers.IntegerField()
    clicked_people = serializers.IntegerField()
    link_clicks = serializers.IntegerField(help_text="Clicks on the message's shared link.")
    link_clickers = serializers.IntegerField(help_text="Signed-in people among them.")
