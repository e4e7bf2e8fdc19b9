"""Booked sessions between a mentor and a mentee, and what comes out of them."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentorship.models.profiles import Mentorship


def _ical_uid() -> str:
    return f"{uuid.uuid4()}@kalpla"


class MentorSession(models.Model):
    """One booked meeting. Times are UTC; ``ical_uid`` and ``ical_sequence`` follow RFC 5545.

    Two booked sessions of one mentor never overlap: on PostgreSQL an exclusion constraint
    (migration 0002) says so; the booking service also locks the mentor's profile row.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")

    class Party(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="sessions")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_sessions_led"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_sessions_booked"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    agenda = models.TextField(_("what to talk about"), blank=True, max_length=2000)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.TextField(_("reason"), blank=True, max_length=1000)
    rescheduled_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rescheduled_to"
    )
    # iCalendar identity: the same UID for updates and cancellation, SEQUENCE rising each time.
    ical_uid = models.CharField(max_length=100, unique=True, default=_ical_uid, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0)
    # The meeting behind "Join" (integrations.chime): provider, its id and the meeting half
    # of the join info; attendees are created per join.
    meeting_provider = models.CharField(max_length=16, blank=True)
    meeting_id = models.CharField(max_length=100, blank=True)
    meeting_info = models.JSONField(default=dict, blank=True)
    meeting_ended_at = models.DateTimeField(null=True, blank=True)
    no_show_party = models.CharField(max_length=6, choices=Party.choices, blank=True)
    no_show_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    feedback = models.TextField(_("feedback"), blank=True, max_length=4000)
    rated_at = models.DateTimeField(null=True, blank=True)
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    reminded_soon_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")
        ordering = ("starts_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="mentor_session_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="mentor_session_rating_range",
            ),
        ]
        indexes = [
            models.Index(fields=("mentor", "starts_at"), name="mentor_session_mentor_start"),
            models.Index(fields=("mentee", "starts_at"), name="mentor_session_mentee_start"),
            models.Index(fields=("status", "starts_at"), name="mentor_session_status_start"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} ↔ {self.mentee} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    def is_participant(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in (self.mentor_id, self.mentee_id)


class SessionNote(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Only me")
        SHARED = "shared", _("Shared with the mentee")

    session = models.ForeignKey(MentorSession, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("note"), max_length=20000)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session note")
        verbose_name_plural = _("session notes")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"Note on {self.session_id}"


class ActionItem(models.Model):
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="action_items"
    )
    session = models.ForeignKey(
        MentorSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ("done_at", "due_on", "pk")
        indexes = [models.Index(fields=("mentorship", "done_at"), name="action_item_open")]

    def __str__(self) -> str:
        return self.title
