"""Chat: a ``Room`` is what a chat socket joins, either a group's channel or a direct
conversation. Who may read a room is who has a ``RoomMember`` row in it; that row also holds
the member's read state (the id of the last message they read), never a row per message per
reader."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community.models.groups import Group
from community.models.moderation_status import ModerationStatus


class Room(models.Model):
    """A channel's or a direct conversation's chat: messages are numbered per room."""

    class Kind(models.TextChoices):
        CHANNEL = "channel", _("Channel")
        DIRECT = "direct", _("Direct message")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # 1:1 conversations are found again by their two user ids ("3:17"); group DMs have none.
    direct_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    # The room's change sequence: every change (a message sent, edited, deleted, reacted to)
    # takes the next number and records it on the message (``Message.changed_seq``), so a
    # client that saw changes up to N gets every message created or changed since.
    change_seq = models.PositiveBigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat room")
        verbose_name_plural = _("chat rooms")

    def __str__(self) -> str:
        return f"{self.kind} room {self.pk}"


class Channel(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="channels")
    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="channel")
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)
    topic = models.CharField(_("topic"), max_length=250, blank=True)
    # An archived channel keeps its history for its members but takes no new messages.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            models.UniqueConstraint(fields=["group", "slug"], name="channel_unique_slug")
        ]

    def __str__(self) -> str:
        return f"#{self.slug}"


class RoomMember(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_rooms"
    )
    last_read_id = models.PositiveBigIntegerField(default=0)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("room member")
        verbose_name_plural = _("room members")
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="room_member_unique")]
        indexes = [models.Index(fields=["user", "room"])]

    def __str__(self) -> str:
        return f"{self.user_id} in room {self.room_id}"


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    # The room's change_seq at this message's latest change (made, edited, deleted, reacted).
    changed_seq = models.PositiveBigIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_messages"
    )
    # Chosen by the client: a send retried after a dropped connection is stored once.
    client_id = models.CharField(max_length=64, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    body = models.TextField(_("message"), max_length=4000)
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Readers other than the author and moderators see only published messages.
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PUBLISHED,
    )

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="message_unique_room_seq"),
            models.UniqueConstraint(
                fields=["room", "author", "client_id"],
                condition=~Q(client_id=""),
                name="message_unique_client_id",
            ),
        ]
        indexes = [
            models.Index(fields=["room", "-id"]),
            models.Index(fields=["room", "changed_seq"], name="message_room_changed_seq"),
        ]

    def __str__(self) -> str:
        return f"room {self.room_id} #{self.seq}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class MessageEdit(models.Model):
    """A message's earlier text, kept when its author edits it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="edits")
    body = models.TextField()
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message edit")
        verbose_name_plural = _("message edits")

    def __str__(self) -> str:
        return f"edit of {self.message_id}"


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user", "emoji"], name="reaction_unique_user_emoji"
            )
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.message_id}"
