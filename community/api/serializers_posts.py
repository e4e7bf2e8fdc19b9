"""Input and output shapes of the posts API (/api/v1/groups/{id}/posts/, /api/v1/posts/...,
/api/v1/me/feed/, /api/v1/me/bookmarks/)."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserSummaryOut
from community.file_links import attachment_link
from community.selectors.chat import MAX_ID
from kalpla.api.serializers import InputSerializer, StrictCharField


class PostGroupOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["course", "topic"])


class PostChannelOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PostReactionOut(serializers.Serializer):
    emoji = serializers.CharField()
    count = serializers.IntegerField()
    mine = serializers.BooleanField(help_text="Whether I gave this reaction.")


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="file_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    is_image = serializers.BooleanField()
    url = serializers.SerializerMethodField(help_text="A download link checked on every use.")

    def get_url(self, attachment: Any) -> str:
        return attachment_link(attachment=attachment)


def reaction_summary(reactions: Any, *, viewer_id: int | None) -> list[dict[str, Any]]:
    grouped: dict[str, list[int]] = {}
    for reaction in reactions:
        grouped.setdefault(reaction.emoji, []).append(reaction.user_id)
    return [
        {"emoji": emoji, "count": len(users), "mine": viewer_id in users}
        for emoji, users in grouped.items()
    ]


class PostOut(serializers.Serializer):
    """A post as feeds and its page show it. A deleted post is a tombstone: ``deleted``
    true, no text, no attachments. ``status`` is ``held`` only for its author and moderators
    (held for review: others do not see it)."""

    id = serializers.IntegerField()
    group = PostGroupOut()
    channel = PostChannelOut(allow_null=True)
    author = UserSummaryOut()
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField(help_text="Markdown source (empty when deleted).")
    body_html = serializers.SerializerMethodField(help_text="Sanitised HTML of the body.")
    status = serializers.ChoiceField(choices=["published", "held", "hidden"])
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField(source="is_deleted")
    pinned = serializers.BooleanField(source="is_pinned")
    locked = serializers.BooleanField(source="is_locked", help_text="No new comments.")
    comment_count = serializers.IntegerField()
    reactions = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    bookmarked = serializers.SerializerMethodField()
    is_new = serializers.SerializerMethodField(
        help_text="Newer than my last visit to the group's feed (others' posts only)."
    )
    url = serializers.SerializerMethodField(help_text="The post's page on the site.")

    def _viewer_id(self) -> int | None:
        return self.context.get("viewer_id")

    def get_title(self, post: Any) -> str:
        return "" if post.is_deleted else str(post.title)

    def get_body(self, post: Any) -> str:
        return "" if post.is_deleted else str(post.body)

    def get_body_html(self, post: Any) -> str:
        return "" if post.is_deleted else str(post.body_html)

    @extend_schema_field(PostReactionOut(many=True))
    def get_reactions(self, post: Any) -> list[dict[str, Any]]:
        return reaction_summary(post.reactions.all(), viewer_id=self._viewer_id())

    @extend_schema_field(AttachmentOut(many=True))
    def get_attachments(self, post: Any) -> list[dict[str, Any]]:
        if post.is_deleted:
            return []
        return list(AttachmentOut(post.attachments.all(), many=True).data)

    def get_bookmarked(self, post: Any) -> bool:
        return bool(getattr(post, "bookmarked", False))

    def get_is_new(self, post: Any) -> bool:
        seen = getattr(post, "last_seen_post_id", self.context.get("last_seen_post_id"))
        if seen is None:
            return False
        return post.pk > seen and post.author_id != self._viewer_id()

    def get_url(self, post: Any) -> str:
        return reverse("posts:post", args=[post.group_id, post.pk])


class PostEditOut(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    body = serializers.CharField()
    edited_at = serializers.DateTimeField(help_text="When this text was replaced.")


class PostDetailOut(PostOut):
    edits = serializers.SerializerMethodField(help_text="Earlier versions, newest first.")
    can_edit = serializers.BooleanField()
    can_moderate = serializers.BooleanField(help_text="May pin, lock and delete.")

    @extend_schema_field(PostEditOut(many=True))
    def get_edits(self, post: Any) -> list[dict[str, Any]]:
        if post.is_deleted:
            return []
        rows = sorted(post.edits.all(), key=lambda e: -e.pk)
        return [{"title": e.title, "body": e.body, "edited_at": e.edited_at} for e in rows]


class CommentOut(serializers.Serializer):
    """A comment; ``parent_id`` is the comment it replies to (null at the top level)."""

    id = serializers.IntegerField()
    post_id = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)
    depth = serializers.IntegerField(help_text="0 at the top level; replies nest 4 deep.")
    author = UserSummaryOut()
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=["published", "held", "hidden"])
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField(source="is_deleted")
    reactions = serializers.SerializerMethodField()

    @extend_schema_field(PostReactionOut(many=True))
    def get_reactions(self, comment: Any) -> list[dict[str, Any]]:
        return reaction_summary(comment.reactions.all(), viewer_id=self.context.get("viewer_id"))

    def get_body(self, comment: Any) -> str:
        return "" if comment.is_deleted else str(comment.body)

    def get_body_html(self, comment: Any) -> str:
        return "" if comment.is_deleted else str(comment.body_html)


class PostCreateIn(InputSerializer):
    title = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    body = StrictCharField(max_length=20000, help_text="Markdown. `@name` mentions a member.")
    channel_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID,
        help_text="One of the group's channels (none: the whole group).",
    )  # fmt: skip
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=5,
        help_text="Up to 5 images or documents (multipart/form-data).",
    )  # fmt: skip


class PostEditIn(InputSerializer):
    title = StrictCharField(max_length=200, required=False, allow_blank=True)
    body = StrictCharField(max_length=20000)


class FlagIn(InputSerializer):
    value = serializers.BooleanField(
        default=True, help_text="true to set (pin, lock, bookmark, react), false to undo."
    )


class PostReactionIn(InputSerializer):
    emoji = StrictCharField(max_length=32)
    on = serializers.BooleanField(default=True, help_text="false takes the reaction back.")


class CommentCreateIn(InputSerializer):
    body = StrictCharField(max_length=10000)
    parent_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID,
        help_text="Reply to this comment.",
    )  # fmt: skip


class CommentEditIn(InputSerializer):
    body = StrictCharField(max_length=10000)


class FeedSeenIn(InputSerializer):
    post_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID,
        help_text="The newest post seen (default: the group's newest). Never moves back.",
    )  # fmt: skip


class FeedSeenOut(serializers.Serializer):
    group_id = serializers.IntegerField()
    last_seen_post_id = serializers.IntegerField()


class FeedGroupOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["course", "topic"])
    unread = serializers.IntegerField(help_text="Others' posts after my last visit.")
    last_seen_post_id = serializers.IntegerField()
