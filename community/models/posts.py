"""Posts in groups (optionally in one of the group's channels), their threaded comments,
reactions, edit history, attachments, bookmarks, and each member's feed marker.

Unread state is one row per member per group (``FeedMarker``: the newest post id they have
seen), never a row per post per reader.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community.models.chat import Channel
from community.models.groups import Group
from community.models.moderation_status import ModerationStatus


class Post(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="posts")
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_posts"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("post"), max_length=20000)
    body_html = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.PUBLISHED
    )
    comment_count = models.PositiveIntegerField(default=0)
    pinned_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["group", "-id"]),
            models.Index(fields=["group", "channel", "-id"]),
        ]

    def __str__(self) -> str:
        return self.title or f"post {self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_pinned(self) -> bool:
        return self.pinned_at is not None

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Comment(models.Model):
    """A comment on a post, or a reply to another comment (``parent``) down to MAX_DEPTH."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_comments"
    )
    body = models.TextField(_("comment"), max_length=10000)
    body_html = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.PUBLISHED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["post", "id"])]

    def __str__(self) -> str:
        return f"comment {self.pk} on post {self.post_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostEdit(models.Model):
    """A post's or a comment's earlier text, kept when its author edits it."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="edits"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="edits"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("post edit")
        verbose_name_plural = _("post edits")
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True)
                | Q(post__isnull=True, comment__isnull=False),
                name="post_edit_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"edit of post {self.post_id}" if self.post_id else f"edit of {self.comment_id}"


class PostReaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("post reaction")
        verbose_name_plural = _("post reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user", "emoji"], name="post_reaction_unique_user_emoji"
            )
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on post {self.post_id}"


class CommentReaction(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment reaction")
        verbose_name_plural = _("comment reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user", "emoji"], name="comment_reaction_unique_user_emoji"
            )
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on comment {self.comment_id}"


def attachment_upload_to(instance: "PostAttachment", filename: str) -> str:
    """Private: served only through signed /files/ links that check who asks."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/posts/{instance.post_id}/{uuid.uuid4().hex}.{extension[:8]}"


class PostAttachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_upload_to)
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("post attachment")
        verbose_name_plural = _("post attachments")

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_bookmarks"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="bookmark_unique")]
        indexes = [models.Index(fields=["user", "-id"])]

    def __str__(self) -> str:
        return f"{self.user_id} bookmarked {self.post_id}"


class FeedMarker(models.Model):
    """The newest post of the group its member has seen: later ones are "New"."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="feed_markers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_markers"
    )
    last_seen_post_id = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feed marker")
        verbose_name_plural = _("feed markers")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="feed_marker_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.group_id} up to {self.last_seen_post_id}"
