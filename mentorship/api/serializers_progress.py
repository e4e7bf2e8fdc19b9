"""Input and output shapes of the mentoring progress API (notes, action items, rating,
no-show, goals, milestones, updates, the timeline and the home overview)."""

from datetime import UTC, datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserSummaryOut
from kalpla.api.serializers import InputSerializer, StrictCharField
from mentorship.models import SessionNote


class UtcDateTimeField(serializers.DateTimeField):
    """ISO 8601 in UTC with ``Z``, whatever time zone the request runs in."""

    def to_representation(self, value: datetime | None) -> Any:
        if value is None:
            return None
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _text(max_length: int, **kwargs: Any) -> StrictCharField:
    return StrictCharField(max_length=max_length, **kwargs)


def _required_text(max_length: int) -> StrictCharField:
    return StrictCharField(max_length=max_length)


# --- notes ---------------------------------------------------------------------------------


class NoteIn(InputSerializer):
    body = _required_text(20000)
    visibility = serializers.ChoiceField(
        choices=SessionNote.Visibility.choices,
        default="private",
        help_text="`shared`: the mentee sees it (mentor's notes only; a mentee's notes are private).",
    )


class NotePatchIn(InputSerializer):
    body = StrictCharField(max_length=20000, required=False, min_length=1)
    visibility = serializers.ChoiceField(choices=SessionNote.Visibility.choices, required=False)


class NoteOut(serializers.Serializer):
    id = serializers.IntegerField()
    session_id = serializers.IntegerField()
    author = UserSummaryOut()
    body = serializers.CharField()
    visibility = serializers.CharField()
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()


# --- action items --------------------------------------------------------------------------


class ActionItemIn(InputSerializer):
    title = _required_text(300)
    owner = serializers.ChoiceField(
        choices=["mentor", "mentee"], help_text="Who does it: the mentor or the mentee."
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    session_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="A session of this mentorship the item came out of.",
    )


class ActionItemPatchIn(InputSerializer):
    title = StrictCharField(max_length=300, required=False, min_length=1)
    owner = serializers.ChoiceField(choices=["mentor", "mentee"], required=False)
    due_on = serializers.DateField(required=False, allow_null=True)
    done = serializers.BooleanField(required=False, help_text="Complete (true) or reopen.")


class ActionItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    mentorship_id = serializers.IntegerField()
    session_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    owner = UserSummaryOut()
    owner_role = serializers.SerializerMethodField()
    due_on = serializers.DateField(allow_null=True)
    done = serializers.SerializerMethodField()
    done_at = UtcDateTimeField(allow_null=True)
    created_at = UtcDateTimeField()

    @extend_schema_field(serializers.ChoiceField(choices=["mentor", "mentee"]))
    def get_owner_role(self, item: Any) -> str:
        return "mentor" if item.owner_id == item.mentorship.mentor_id else "mentee"

    def get_done(self, item: Any) -> bool:
        return item.done_at is not None


# --- rating and no-show --------------------------------------------------------------------


class RatingIn(InputSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    feedback = _text(4000, required=False, allow_blank=True, default="")


class NoShowIn(InputSerializer):
    party = serializers.ChoiceField(
        choices=["mentor", "mentee"], help_text="Who did not come: the other participant."
    )


class SessionOutcomeOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    starts_at = UtcDateTimeField()
    ends_at = UtcDateTimeField()
    rating = serializers.IntegerField(allow_null=True)
    feedback = serializers.CharField()
    rated_at = UtcDateTimeField(allow_null=True)
    no_show_party = serializers.CharField(help_text="`mentor`, `mentee` or empty.")


# --- goals ---------------------------------------------------------------------------------


class GoalIn(InputSerializer):
    title = _required_text(200)
    description = _text(4000, required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class GoalPatchIn(InputSerializer):
    title = StrictCharField(max_length=200, required=False, min_length=1)
    description = _text(4000, required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=["open", "achieved", "dropped"], required=False)


class MilestoneIn(InputSerializer):
    title = _required_text(200)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class MilestonePatchIn(InputSerializer):
    title = StrictCharField(max_length=200, required=False, min_length=1)
    due_on = serializers.DateField(required=False, allow_null=True)
    done = serializers.BooleanField(required=False, help_text="Complete (true) or reopen.")
    position = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=1000,
        help_text="Move it to this place (0 first) among the goal's milestones.",
    )


class MilestoneOut(serializers.Serializer):
    id = serializers.IntegerField()
    goal_id = serializers.IntegerField()
    title = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    done = serializers.SerializerMethodField()
    done_at = UtcDateTimeField(allow_null=True)
    position = serializers.IntegerField()

    def get_done(self, milestone: Any) -> bool:
        return milestone.done_at is not None


class GoalOut(serializers.Serializer):
    id = serializers.IntegerField()
    mentorship_id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    at_risk = serializers.BooleanField(
        help_text="Open and past due, or with an overdue open milestone, or no update in 21 days."
    )
    progress_percent = serializers.IntegerField(help_text="Milestones done out of all.")
    milestones = MilestoneOut(many=True)
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()


class ProgressUpdateIn(InputSerializer):
    body = _required_text(4000)
    goal_id = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    percent = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=100
    )


class ProgressUpdateOut(serializers.Serializer):
    id = serializers.IntegerField()
    mentorship_id = serializers.IntegerField()
    goal_id = serializers.IntegerField(allow_null=True)
    author = UserSummaryOut()
    body = serializers.CharField()
    percent = serializers.IntegerField(allow_null=True)
    created_at = UtcDateTimeField()


# --- timeline and overview -----------------------------------------------------------------


class TimelineItemOut(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["session", "note", "update", "milestone", "action_item"]
    )
    id = serializers.IntegerField(help_text="The id of the session, note, update...")
    at = UtcDateTimeField(help_text="Its place in time: a session's start, a note's writing...")
    title = serializers.CharField()
    body = serializers.CharField(help_text="A note's or an update's text; empty otherwise.")
    author = UserSummaryOut(allow_null=True)
    status = serializers.CharField(help_text="A session's status; empty otherwise.")


class TimelinePageOut(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next (older) page, or null.")
    results = TimelineItemOut(many=True)


class MenteeRowOut(serializers.Serializer):
    mentorship_id = serializers.IntegerField(source="pk")
    mentee = UserSummaryOut()
    next_session_id = serializers.IntegerField(allow_null=True)
    next_session_at = UtcDateTimeField(allow_null=True)
    open_action_items = serializers.IntegerField()
    goals_at_risk = serializers.IntegerField()


class UpcomingSessionOut(serializers.Serializer):
    id = serializers.IntegerField(source="session.pk")
    mentorship_id = serializers.IntegerField(source="session.mentorship_id")
    mentor = UserSummaryOut(source="session.mentor")
    starts_at = UtcDateTimeField(source="session.starts_at")
    ends_at = UtcDateTimeField(source="session.ends_at")
    can_join = serializers.BooleanField(help_text="The meeting is open to join now.")


class MentoringOverviewOut(serializers.Serializer):
    mentees = MenteeRowOut(many=True, help_text="A mentor's active mentees; empty for others.")
    pending_requests = serializers.IntegerField(help_text="Requests waiting for my answer.")
    upcoming_sessions = UpcomingSessionOut(many=True, help_text="My next sessions as a mentee.")
