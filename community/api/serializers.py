from html import unescape
from typing import Any

from django.utils.html import strip_tags
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserSummaryOut, avatar_url
from community.selectors.chat import MAX_ID
from kalpla.api.serializers import InputSerializer, StrictCharField


class ModerationAuthorOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ModerationTargetOut(serializers.Serializer):
    kind = serializers.CharField(help_text="review, course, gone (deleted) or a model name.")
    title = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True, help_text="Site page showing the content.")
    image_url = serializers.CharField(allow_blank=True, help_text="The flagged image, if any.")
    author = ModerationAuthorOut(allow_null=True)


class ModerationItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    reason_label = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    score = serializers.FloatField(allow_null=True)
    labels = serializers.JSONField()
    origin = serializers.CharField(help_text="`auto` (an automatic check) or who reported it.")
    status = serializers.ChoiceField(choices=["pending", "approved", "rejected"])
    created_at = serializers.DateTimeField()
    decided_by = ModerationAuthorOut(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField(allow_blank=True)
    can_hide = serializers.BooleanField(help_text="Whether `hide` is possible for this content.")
    target = ModerationTargetOut()


MODERATION_ACTIONS = ["approve", "hide", "delete", "warn", "mute", "ban_group", "ban_site"]


class ModerationDecisionIn(InputSerializer):
    action = serializers.ChoiceField(
        choices=MODERATION_ACTIONS,
        help_text="`approve` keeps (publishes held) content; `hide` hides it; `delete` deletes "
        "a chat message; `warn` tells the author; `mute` (for `days`, none: until lifted) and "
        "`ban_group` act in the content's group; `ban_site` deactivates the author's account "
        "and ends their sessions and API keys.",
    )
    note = StrictCharField(
        max_length=1000, required=False, allow_blank=True, default="",
        help_text="Kept with the decision (audit trail) and sent to the author.",
    )  # fmt: skip
    days = serializers.IntegerField(
        min_value=1, max_value=365, required=False, allow_null=True, default=None,
        help_text="For `mute`: how many days.",
    )  # fmt: skip


class AuditEntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=MODERATION_ACTIONS)
    action_label = serializers.CharField(source="get_action_display")
    actor = serializers.SerializerMethodField(help_text="The moderator.")
    target_user = serializers.SerializerMethodField(help_text="The content's author.")
    group = serializers.SerializerMethodField()
    content_kind = serializers.SerializerMethodField(help_text="message, review... or empty.")
    object_id = serializers.CharField(allow_blank=True)
    content_excerpt = serializers.CharField(allow_blank=True)
    item_id = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    until = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(ModerationAuthorOut(allow_null=True))
    def get_actor(self, row: Any) -> dict[str, Any] | None:
        return person_summary(row.actor)

    @extend_schema_field(ModerationAuthorOut(allow_null=True))
    def get_target_user(self, row: Any) -> dict[str, Any] | None:
        return person_summary(row.target_user)

    @extend_schema_field(ModerationAuthorOut(allow_null=True))
    def get_group(self, row: Any) -> dict[str, Any] | None:
        return {"id": row.group_id, "name": row.group.name} if row.group_id else None

    @extend_schema_field(serializers.CharField())
    def get_content_kind(self, row: Any) -> str:
        return row.content_type.model if row.content_type_id else ""


class ReportIn(InputSerializer):
    kind = serializers.ChoiceField(choices=["message", "review", "post", "comment"])
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The content's id.")
    reason = serializers.ChoiceField(
        choices=["spam", "harassment", "hate", "personal_data", "other"]
    )
    text = StrictCharField(
        max_length=1000, required=False, allow_blank=True, default="",
        help_text="What is wrong, in your words.",
    )  # fmt: skip


class ReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(source="content_type.model")
    object_id = serializers.CharField()
    reason = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class GroupModerationPolicyIn(InputSerializer):
    moderation_policy = serializers.ChoiceField(
        choices=["post", "pre"],
        help_text="`post`: published at once, flagged content reviewed; `pre`: every post and "
        "message is held until a moderator approves it.",
    )


class GroupModerationPolicyOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    moderation_policy = serializers.ChoiceField(choices=["post", "pre"])


def person_summary(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.name or user.get_short_name()}


def moderation_row_data(row: dict[str, Any]) -> dict[str, Any]:
    item, target = row["item"], row["target"]
    return {
        "id": item.pk,
        "reason": item.reason,
        "reason_label": str(item.get_reason_display()),
        "detail": item.detail,
        "score": item.score,
        "labels": item.labels,
        "origin": item.source,
        "status": item.status,
        "created_at": item.created_at,
        "decided_by": person_summary(item.decided_by),
        "decided_at": item.decided_at,
        "decision_note": item.decision_note,
        "can_hide": row["can_hide"],
        "target": {
            "kind": target.kind,
            "title": target.title,
            "text": target.text,
            "url": target.queue_url,  # where a moderator can read it
            "image_url": target.image_url,
            "author": person_summary(target.author),
        },
    }


class ReactionSummaryOut(serializers.Serializer):
    emoji = serializers.CharField()
    count = serializers.IntegerField()
    user_ids = serializers.ListField(child=serializers.IntegerField())


PARENT_EXCERPT = 120


class MessageParentOut(serializers.Serializer):
    id = serializers.IntegerField()
    author = UserSummaryOut()
    excerpt = serializers.CharField(help_text="The start of its text, plain (empty when deleted).")
    deleted = serializers.BooleanField()


class MessageOut(serializers.Serializer):
    """A chat message as every WebSocket frame and the history endpoint carry it.

    A deleted message keeps its place (id, seq) as a tombstone: ``deleted`` true, no text.
    """

    id = serializers.IntegerField()
    room_id = serializers.IntegerField()
    seq = serializers.IntegerField(help_text="Position in the room: 1, 2, 3... without gaps.")
    changed_seq = serializers.IntegerField(
        help_text="The room's change number at this message's latest change (made, edited, "
        "deleted, reacted to): resume with the highest one seen (`since_seq`)."
    )
    client_id = serializers.SerializerMethodField(
        help_text="The sender's client id (echoed to the sender's other devices)."
    )
    author = UserSummaryOut()
    parent_id = serializers.IntegerField(allow_null=True, help_text="The thread's first message.")
    # A declared field: DRF's metaclass takes it off the class, so it never hides
    # Field.parent (the serializer this one is nested in).
    parent = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="A reply's thread start, to quote: its author and the start of its text."
    )
    body = serializers.SerializerMethodField(help_text="Markdown source (empty when deleted).")
    body_html = serializers.SerializerMethodField(help_text="Sanitised HTML of the body.")
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField(source="is_deleted")
    status = serializers.ChoiceField(
        choices=["published", "held", "hidden"],
        help_text="`held`: waiting for a moderator (only its author and moderators see it); "
        "`hidden`: hidden by a moderator.",
    )
    reactions = serializers.SerializerMethodField()

    @extend_schema_field(MessageParentOut(allow_null=True))
    def get_parent(self, message: Any) -> dict[str, Any] | None:
        return _parent_quote(message)

    def get_client_id(self, message: Any) -> str:
        return str(message.client_id)

    def get_body(self, message: Any) -> str:
        return "" if message.is_deleted else str(message.body)

    def get_body_html(self, message: Any) -> str:
        return "" if message.is_deleted else str(message.body_html)

    @extend_schema_field(ReactionSummaryOut(many=True))
    def get_reactions(self, message: Any) -> list[dict[str, Any]]:
        return _reactions(message)


def message_out(message: Any, *, new: bool = False) -> dict[str, Any]:
    """``MessageOut(message).data`` built by hand, the same dict (a test compares them): the
    chat's send path builds one per message sent and a serializer costs ten times as much.
    ``new``: the message was stored in the caller's transaction, which nobody else sees yet,
    so it has no reactions (not queried)."""
    deleted = message.is_deleted
    return {
        "id": int(message.pk),
        "room_id": int(message.room_id),
        "seq": int(message.seq),
        "changed_seq": int(message.changed_seq),
        "client_id": str(message.client_id),
        "author": _user_summary(message.author),
        "parent_id": None if message.parent_id is None else int(message.parent_id),
        "parent": _parent_quote(message),
        "body": "" if deleted else str(message.body),
        "body_html": "" if deleted else str(message.body_html),
        "created_at": _datetime(message.created_at),
        "edited_at": _datetime(message.edited_at),
        "deleted": bool(deleted),
        "status": str(message.status),
        "reactions": [] if new else _reactions(message),
    }


def _user_summary(user: Any) -> dict[str, Any]:
    return {
        "id": int(user.pk),
        "name": str(user.display_name),
        "avatar_url": avatar_url(user, None),
    }


def _parent_quote(message: Any) -> dict[str, Any] | None:
    parent = message.parent if message.parent_id else None
    if parent is None:
        return None
    text = " ".join(strip_tags(str(parent.body_html)).split())
    excerpt = "" if parent.is_deleted else unescape(text)[:PARENT_EXCERPT]
    return {
        "id": parent.pk,
        "author": _user_summary(parent.author),
        "excerpt": excerpt,
        "deleted": parent.is_deleted,
    }


def _reactions(message: Any) -> list[dict[str, Any]]:
    grouped: dict[str, list[int]] = {}
    for reaction in message.reactions.all():
        grouped.setdefault(reaction.emoji, []).append(reaction.user_id)
    return [
        {"emoji": emoji, "count": len(users), "user_ids": sorted(users)}
        for emoji, users in grouped.items()
    ]


_DATETIME = serializers.DateTimeField()


def _datetime(value: Any) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


class ChatGroupSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["course", "topic"])


class ChatChannelOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    topic = serializers.CharField(allow_blank=True)
    group = ChatGroupSummaryOut()


class RoomOut(serializers.Serializer):
    """One of my rooms with my read state (``unread``: others' messages after my last read)."""

    id = serializers.IntegerField(source="room_id")
    kind = serializers.ChoiceField(source="room.kind", choices=["channel", "direct"])
    title = serializers.CharField()
    channel = ChatChannelOut(source="room.channel", allow_null=True)
    members = UserSummaryOut(
        many=True, help_text="A conversation's people (empty for channels: see the group)."
    )
    unread = serializers.IntegerField()
    last_read_id = serializers.IntegerField()
    last_seq = serializers.IntegerField(source="room.last_seq")
    change_seq = serializers.IntegerField(
        source="room.change_seq", help_text="The room's latest change number."
    )
    last_message_at = serializers.DateTimeField(source="room.last_message_at", allow_null=True)
    socket_url = serializers.CharField(help_text="The room's WebSocket path.")


class RoomMemberOut(serializers.Serializer):
    """One person in a room, with their read state and whether a socket of theirs is live."""

    user = UserSummaryOut()
    last_read_id = serializers.IntegerField(help_text="The last message they read (receipts).")
    joined_at = serializers.DateTimeField()
    online = serializers.BooleanField(help_text="Connected to the room now (presence).")


class MessageSendIn(InputSerializer):
    body = StrictCharField(max_length=4000, help_text="Markdown, up to 4000 characters.")
    client_id = StrictCharField(
        max_length=64, required=False, allow_blank=True, default="",
        help_text="Your id for this message: sending it again returns the stored one. The "
        "`Idempotency-Key` header does the same.",
    )  # fmt: skip
    parent_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID,
        help_text="Reply in this message's thread.",
    )  # fmt: skip


class MessageEditIn(InputSerializer):
    body = StrictCharField(max_length=4000)


class ReactionIn(InputSerializer):
    emoji = StrictCharField(max_length=32, help_text="One emoji.")
    on = serializers.BooleanField(
        required=False, default=True, help_text="false takes your reaction back."
    )


class RoomReadIn(InputSerializer):
    message_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The last message read (never moves back)."
    )


class RoomReadOut(serializers.Serializer):
    room_id = serializers.IntegerField()
    last_read_id = serializers.IntegerField()
    unread = serializers.IntegerField()


class DirectStartIn(InputSerializer):
    user_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=9,
        help_text="The people to write to (1 for a 1:1, up to 9).",
    )  # fmt: skip


class BlockIn(InputSerializer):
    user_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class BlockOut(serializers.Serializer):
    user = UserSummaryOut(source="blocked")
    created_at = serializers.DateTimeField()
