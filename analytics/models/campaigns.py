"""Campaigns to segments of people, and nudges to at-risk learners.

A Segment is a set of rules (JSON, checked by ``analytics.segments``) that selects users; a
Campaign sends one message per channel to a segment through ``notify()``, now or at a set
time, exactly once. Each person it reached is a CampaignRecipient; opens (the email pixel)
and clicks (tracked links) are CampaignInteractions. A Nudge logs who reminded which at-risk
learner of a course, and why.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

CAMPAIGN_CHANNELS = [
    ("in_app", _("In the app")),
    ("email", _("Email")),
    ("sms", _("SMS")),
    ("push", _("Push")),
]


class Segment(models.Model):
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    rules = models.JSONField(_("rules"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=120)
    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), on_delete=models.PROTECT, related_name="campaigns"
    )
    channels = models.JSONField(_("channels"), default=list)
    inapp_title = models.CharField(_("in-app title"), max_length=200, blank=True)
    inapp_body = models.TextField(_("in-app text"), max_length=1000, blank=True)
    email_subject = models.CharField(_("email subject"), max_length=200, blank=True)
    email_body = models.TextField(_("email text"), max_length=20000, blank=True)
    sms_text = models.CharField(_("SMS text"), max_length=320, blank=True)
    push_title = models.CharField(_("push title"), max_length=100, blank=True)
    push_body = models.CharField(_("push text"), max_length=240, blank=True)
    link_url = models.CharField(
        _("link"),
        max_length=500,
        blank=True,
        help_text=_("Where the message leads (a page of this site or an allowed address)."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    targeted = models.PositiveIntegerField(_("targeted"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["status", "scheduled_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def dedupe_key(self) -> str:
        """The notifications' dedupe key: one message per person per campaign, ever."""
        return f"campaign:{self.pk}"


class CampaignRecipient(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="recipients"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The notifications app's row (no constraint: analytics never writes its tables); null
    # when no channel could reach the person (every channel switched off).
    notification_id = models.BigIntegerField(_("notification"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="campaign_recipient_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} -> {self.user_id}"


class CampaignInteraction(models.Model):
    class Kind(models.TextChoices):
        OPEN = "open", _("Opened")
        CLICK = "click", _("Clicked")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign open or click")
        verbose_name_plural = _("campaign opens and clicks")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["campaign", "kind", "channel"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.campaign_id} by {self.user_id}"


class Nudge(models.Model):
    course = models.ForeignKey(
        "courses.Course", verbose_name=_("course"), on_delete=models.CASCADE, related_name="+"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    nudged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nudged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reasons = models.JSONField(_("reasons"), default=list)
    notification_id = models.BigIntegerField(_("notification"), null=True, blank=True)
    created_at = models.DateTimeField(_("nudged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("nudge")
        verbose_name_plural = _("nudges")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["course", "learner", "-created_at"])]

    def __str__(self) -> str:
        return f"nudge {self.learner_id} in {self.course_id}"
