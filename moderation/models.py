"""The moderation queue: things a person must look at, flagged automatically or reported."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationItem(models.Model):
    """Something a person must look at: flagged automatically or reported by a user."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Reason(models.TextChoices):
        TOXIC = "toxic", _("Toxic language")
        PII = "pii", _("Personal data")
        IMAGE_UNSAFE = "image_unsafe", _("Unsafe image")
        IMAGE_UNCHECKED = "image_unchecked", _("Image not checked automatically")
        REPORTED = "reported", _("Reported by a user")
        PREMODERATION = "premoderation", _("Waiting for approval (pre-moderation)")
        OTHER = "other", _("Other")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices)
    detail = models.TextField(_("detail"), blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    labels = models.JSONField(_("labels"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=32, default="auto")
    # Where the content lives, said by its app ("group:12"): the queue filters on it.
    context = models.CharField(_("context"), max_length=64, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        # The table of the platform app this model came from: existing databases keep it.
        db_table = "kalpla_moderationitem"
        verbose_name = _("moderation item")
        verbose_name_plural = _("moderation queue")
        ordering = ("status", "-created_at")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reason"],
                condition=models.Q(status="pending"),
                name="moderation_one_pending_per_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on {self.content_type.model} #{self.object_id}"
