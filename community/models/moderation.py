"""Moderation records of the community: users' reports, sanctions (mutes and bans) and the
audit log of every moderator action.

The queue itself is the moderation app's ``ModerationItem`` (automatic flags and reports both
land there); a ``Report`` keeps who reported what and why, a ``Sanction`` what a user may no
longer do and until when, a ``ModerationAction`` who did what, when, why and to whom.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community.models.groups import Group


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        HARASSMENT = "harassment", _("Harassment")
        HATE = "hate", _("Hate")
        PERSONAL_DATA = "personal_data", _("Personal data")
        OTHER = "other", _("Other")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_reports"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    text = models.TextField(_("details"), max_length=1000, blank=True)
    item = models.ForeignKey(
        "moderation.ModerationItem", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"], name="report_once_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} report on {self.content_type_id}:{self.object_id}"


class Sanction(models.Model):
    """A mute (cannot post, send or react) or a ban (out of the group; with no group: off the
    site) until ``until`` (None: until lifted)."""

    class Kind(models.TextChoices):
        MUTE = "mute", _("Muted")
        BAN = "ban", _("Banned")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="sanctions"
    )
    until = models.DateTimeField(_("until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        indexes = [models.Index(fields=["user", "lifted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="ban") | Q(group__isnull=False), name="sanction_mute_in_group"
            )
        ]

    def __str__(self) -> str:
        where = f"group {self.group_id}" if self.group_id else "site"
        return f"{self.kind} of {self.user_id} ({where})"


class ModerationAction(models.Model):
    """The audit log: one row per moderator action, never edited."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        HIDE = "hide", _("Hidden")
        DELETE = "delete", _("Deleted")
        WARN = "warn", _("Warned the author")
        MUTE = "mute", _("Muted in the group")
        BAN_GROUP = "ban_group", _("Banned from the group")
        BAN_SITE = "ban_site", _("Banned from the site")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    content_excerpt = models.CharField(_("content"), max_length=300, blank=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions_received",
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item = models.ForeignKey(
        "moderation.ModerationItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation audit log")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"
