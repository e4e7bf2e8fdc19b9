"""Live classes: one mentor broadcasting to a course's students (IVS, or WebRTC locally)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# A browser broadcasting over WebRTC sends one stream per viewer: past this, use IVS.
LOCAL_MAX_VIEWERS = 8


class LiveClass(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="live_classes_hosted"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"),
        default=60,
        validators=[MinValueValidator(10), MaxValueValidator(480)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    # integrations.ivs: "ivs" or "local". The stream key is the mentor's secret.
    provider = models.CharField(max_length=16, blank=True)
    channel_id = models.CharField(max_length=255, blank=True)
    ingest_url = models.CharField(max_length=255, blank=True)
    stream_key = models.CharField(max_length=255, blank=True)
    playback_url = models.CharField(max_length=500, blank=True)
    # The community chat room of the class (a channel of the course's group).
    chat_room_id = models.PositiveIntegerField(null=True, blank=True)
    recording_url = models.URLField(_("recording"), blank=True, max_length=500)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("live class")
        verbose_name_plural = _("live classes")
        ordering = ("starts_at", "pk")
        indexes = [
            models.Index(fields=("course", "starts_at"), name="live_class_course_start"),
            models.Index(fields=("status", "starts_at"), name="live_class_status_start"),
        ]

    def __str__(self) -> str:
        return self.title


class LiveClassAttendance(models.Model):
    live_class = models.ForeignKey(LiveClass, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=("live_class", "user"), name="live_attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.live_class_id}"
