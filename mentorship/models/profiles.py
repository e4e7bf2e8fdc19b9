"""Mentors, what learners look for, requests and the mentorships they become."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_timezone

DEFAULT_SESSION_LENGTHS = [30, 60]


def _default_session_lengths() -> list[int]:
    return list(DEFAULT_SESSION_LENGTHS)


class MentorProfile(models.Model):
    """A mentor's public card and the rules their calendar follows.

    Times of availability are in ``timezone`` (the mentor's own); bookings are stored in UTC.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    headline = models.CharField(_("headline"), max_length=160)
    bio = models.TextField(_("about"), blank=True)
    expertise = models.ManyToManyField(
        "courses.Tag", blank=True, related_name="+", verbose_name=_("expertise")
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    capacity = models.PositiveSmallIntegerField(
        _("maximum active mentees"), default=5, validators=[MaxValueValidator(200)]
    )
    session_lengths = models.JSONField(
        _("session lengths (minutes)"), default=_default_session_lengths
    )
    is_accepting = models.BooleanField(_("accepting new mentees"), default=True)
    is_listed = models.BooleanField(_("listed in the directory"), default=True)
    # Booking rules.
    min_notice_minutes = models.PositiveIntegerField(_("minimum notice (minutes)"), default=120)
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between sessions (minutes)"), default=10, validators=[MaxValueValidator(240)]
    )
    max_sessions_per_day = models.PositiveSmallIntegerField(
        _("most sessions a day"), default=4, validators=[MinValueValidator(1)]
    )
    cancel_window_hours = models.PositiveSmallIntegerField(
        _("cancel at least this many hours before"), default=12
    )
    reschedule_window_hours = models.PositiveSmallIntegerField(
        _("reschedule at least this many hours before"), default=12
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("bookable this many days ahead"),
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        _("slots start every (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentor profile")
        verbose_name_plural = _("mentor profiles")
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.user} ({self.headline})"

    def clean(self) -> None:
        lengths = self.session_lengths
        if (
            not isinstance(lengths, list)
            or not lengths
            or not all(isinstance(n, int) and 10 <= n <= 240 for n in lengths)
        ):
            raise ValidationError(
                {"session_lengths": _("Give one or more lengths between 10 and 240 minutes.")}
            )
        self.session_lengths = sorted(set(lengths))


class MentorLanguage(models.Model):
    """A language a mentor can mentor in (ISO 639-1 code), filterable in the directory."""

    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language"), max_length=8)

    class Meta:
        verbose_name = _("mentor language")
        verbose_name_plural = _("mentor languages")
        constraints = [
            models.UniqueConstraint(fields=("mentor", "code"), name="mentor_language_unique")
        ]
        indexes = [models.Index(fields=("code",), name="mentor_language_code")]

    def __str__(self) -> str:
        return self.code


class LearnerPreference(models.Model):
    """What a learner wants from mentoring: topics and languages, used by matching."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_preference"
    )
    interests = models.ManyToManyField(
        "courses.Tag", blank=True, related_name="+", verbose_name=_("topics")
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    goals = models.TextField(_("what I want to achieve"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("learner preference")
        verbose_name_plural = _("learner preferences")

    def __str__(self) -> str:
        return str(self.user)


class MentorshipRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorship_requests_sent"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentorship_requests_received",
    )
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topics = models.ManyToManyField("courses.Tag", blank=True, related_name="+")
    message = models.TextField(_("message"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decline_reason = models.TextField(_("reason"), blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    mentorship = models.OneToOneField(
        "mentorship.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request",
    )

    class Meta:
        verbose_name = _("mentorship request")
        verbose_name_plural = _("mentorship requests")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("mentee", "mentor"),
                condition=Q(status="pending"),
                name="mentorship_request_one_pending",
            ),
            models.CheckConstraint(
                condition=~Q(mentee=models.F("mentor")), name="mentorship_request_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} → {self.mentor} ({self.status})"


class Mentorship(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    started_on = models.DateField(_("started on"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    end_reason = models.TextField(_("why it ended"), blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ("-started_on", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("mentor", "mentee"),
                condition=Q(status__in=("active", "paused")),
                name="mentorship_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(mentee=models.F("mentor")), name="mentorship_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=("mentor", "status"), name="mentorship_mentor_status"),
            models.Index(fields=("mentee", "status"), name="mentorship_mentee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} ↔ {self.mentee} ({self.status})"

    def is_participant(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in (self.mentor_id, self.mentee_id)
