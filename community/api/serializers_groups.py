"""Input and output of the topic groups' and search API."""

from typing import Any

from rest_framework import serializers

from accounts.api.serializers import UserSummaryOut
from community.models import Group, GroupMembership
from community.selectors.groups import MAX_ID
from kalpla.api.serializers import InputSerializer, StrictCharField


class GroupOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=Group.Kind.choices)
    visibility = serializers.ChoiceField(choices=Group.Visibility.choices)
    member_count = serializers.IntegerField(allow_null=True)
    my_role = serializers.ChoiceField(
        source="viewer_role",
        choices=GroupMembership.Role.choices,
        allow_null=True,
        help_text="My role, null when I am not a member.",
    )
    my_request_pending = serializers.SerializerMethodField(
        help_text="True while my request to join waits for a decision."
    )
    created_at = serializers.DateTimeField()

    def get_my_request_pending(self, group: Any) -> bool:
        return getattr(group, "viewer_request", None) is not None


class GroupIn(InputSerializer):
    name = StrictCharField(max_length=200)
    description = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(
        choices=Group.Visibility.choices, default=Group.Visibility.PUBLIC
    )


class GroupUpdateIn(InputSerializer):
    name = StrictCharField(max_length=200, required=False)
    description = StrictCharField(max_length=5000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Group.Visibility.choices, required=False)


class MembershipOut(serializers.Serializer):
    user = UserSummaryOut()
    role = serializers.ChoiceField(choices=GroupMembership.Role.choices)
    joined_at = serializers.DateTimeField(source="created_at")


class RoleIn(InputSerializer):
    role = serializers.ChoiceField(choices=GroupMembership.Role.choices)


class UserIdIn(InputSerializer):
    user_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class JoinRequestIn(InputSerializer):
    message = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class JoinRequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    group_id = serializers.IntegerField()
    user = UserSummaryOut()
    message = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class GroupSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    visibility = serializers.CharField()


class InvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    group = GroupSummaryOut()
    user = UserSummaryOut()
    invited_by = UserSummaryOut(allow_null=True)
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)


class ChannelOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    topic = serializers.CharField(allow_blank=True)
    archived = serializers.SerializerMethodField()
    room_id = serializers.IntegerField()
    socket_url = serializers.SerializerMethodField()

    def get_archived(self, channel: Any) -> bool:
        return channel.archived_at is not None

    def get_socket_url(self, channel: Any) -> str:
        return f"/ws/chat/{channel.room_id}/"


class ChannelIn(InputSerializer):
    name = StrictCharField(max_length=80)
    topic = StrictCharField(max_length=250, required=False, allow_blank=True, default="")


class ChannelUpdateIn(InputSerializer):
    name = StrictCharField(max_length=80, required=False)
    topic = StrictCharField(max_length=250, required=False, allow_blank=True)
    archived = serializers.BooleanField(required=False)


class SearchHitOut(serializers.Serializer):
    kind = serializers.CharField(help_text="What matched: `message` (chat), later `post`.")
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="Where it was said.")
    text = serializers.CharField()
    url = serializers.CharField(help_text="The site page showing it.")
    author = UserSummaryOut()
    created_at = serializers.DateTimeField()
    rank = serializers.FloatField()
