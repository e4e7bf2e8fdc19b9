"""Platform records shared by every app: background jobs and the moderation queue."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessingJob(models.Model):
    """One run of slow work (AI analysis, speech, transcription, sends) and its outcome.

    ``key`` makes enqueueing idempotent: asking twice for the same work returns the same job.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    external_id = models.CharField(_("external id"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("processing job")
        verbose_name_plural = _("processing jobs")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["content_type", "object_id", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


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
        OTHER = "other", _("Other")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices)
    detail = models.TextField(_("detail"), blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    labels = models.JSONField(_("labels"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=32, default="auto")
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


class OutboxMessage(models.Model):
    """SMS and push messages the local messaging backend 'sent' (SNS stand-in)."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        PUSH = "push", _("Push")

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    to = models.CharField(_("to"), max_length=512)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    data = models.JSONField(_("data"), default=dict, blank=True)
    message_id = models.CharField(_("message id"), max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox (local SMS and push)")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}"
