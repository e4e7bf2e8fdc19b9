"""Badge classes and awards. Imported by ``assessments.models`` (the app's model module).

A badge class belongs to a course, or to no course (a platform-wide achievement). It is earned
automatically when a certificate is issued (``trigger=course_passed``: for its course, or for
any course when it has none), or awarded by hand by the course's mentors and staff
(``trigger=manual``). A learner holds at most one award of a badge class: awarding again is a
no-op, and a revoked award stays revoked (its public documents say so).

The image is a PNG in the public storage (verifiers and social sites fetch it), kept by name
like courses' thumbnails: the storage is looked up when it is used, never at import.

The recipient is stored for the site, and as a salted SHA-256 hash of their email for the
public documents, fixed when awarded so a later email change does not change the assertion.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BadgeClass(models.Model):
    class Trigger(models.TextChoices):
        COURSE_PASSED = "course_passed", _("Completing the course with a passing grade")
        MANUAL = "manual", _("Awarded by a mentor")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(
        "courses.Course",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="badge_classes",
        help_text=_("Empty for a platform-wide achievement."),
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=2000)
    criteria = models.TextField(
        _("criteria"), max_length=4000, help_text=_("What a learner did to earn it.")
    )
    image = models.CharField(
        _("image"), max_length=200, blank=True, help_text=_("A PNG's name in the public storage.")
    )
    trigger = models.CharField(
        _("awarded"), max_length=16, choices=Trigger.choices, default=Trigger.COURSE_PASSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class BadgeAward(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge = models.ForeignKey(BadgeClass, on_delete=models.CASCADE, related_name="awards")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards"
    )
    salt = models.CharField(max_length=32)
    identity_hash = models.CharField(
        max_length=71, help_text=_("sha256$ + SHA-256 of the recipient's email and the salt.")
    )
    issued_at = models.DateTimeField(_("issued"))
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence_url = models.URLField(_("evidence"), max_length=500, blank=True)
    narrative = models.TextField(_("note"), max_length=2000, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.CharField(_("why revoked"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("badge award")
        verbose_name_plural = _("badge awards")
        ordering = ("-issued_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["badge", "recipient"], name="badge_award_once")
        ]

    def __str__(self) -> str:
        return f"{self.badge} → {self.recipient_id}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
