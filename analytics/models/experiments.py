"""A/B experiments: variants with weights, each unit's one assignment, results-page views.

A unit is a signed-in user or an anonymous visitor (the first-party ``kalpla_vid`` cookie of
``activity.visitor``). Its assignment is made once and then kept: changing weights later
moves only units not assigned yet. ``exposed_at`` is set once, the first time the unit saw
the variant, and conversions count only goal events after it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExperimentStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    RUNNING = "running", _("running")
    STOPPED = "stopped", _("stopped")


def _default_goals() -> list[str]:
    return ["enrolled"]


class Experiment(models.Model):
    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    hypothesis = models.TextField(_("hypothesis"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ExperimentStatus.choices, default="draft"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    goal_verbs = models.JSONField(_("goal verbs"), default=_default_goals)
    primary_goal = models.CharField(_("primary goal"), max_length=32, default="enrolled")
    baseline_rate = models.FloatField(
        _("baseline conversion rate"),
        default=0.1,
        validators=[MinValueValidator(0.0001), MaxValueValidator(0.9999)],
    )
    minimum_detectable_effect = models.FloatField(
        _("minimum detectable effect"),
        default=0.02,
        help_text=_("Absolute difference in conversion rate worth detecting (0.02 = 2 points)."),
        validators=[MinValueValidator(0.0001), MaxValueValidator(0.9999)],
    )
    alpha = models.FloatField(
        _("significance level"),
        default=0.05,
        validators=[MinValueValidator(0.001), MaxValueValidator(0.2)],
    )
    power = models.FloatField(
        _("power"), default=0.8, validators=[MinValueValidator(0.5), MaxValueValidator(0.99)]
    )
    winner = models.ForeignKey(
        "analytics.Variant",
        verbose_name=_("winner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.key


class Variant(models.Model):
    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.CASCADE, related_name="variants"
    )
    key = models.SlugField(_("key"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    weight = models.PositiveIntegerField(_("weight"), default=50)
    is_control = models.BooleanField(_("control"), default=False)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ("experiment", "id")
        constraints = [
            models.UniqueConstraint(fields=("experiment", "key"), name="analytics_variant_key"),
            models.UniqueConstraint(
                fields=("experiment",),
                condition=Q(is_control=True),
                name="analytics_variant_one_control",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="analytics_variant_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.experiment_id}:{self.key}"


class Assignment(models.Model):
    experiment = models.ForeignKey(
        Experiment,
        verbose_name=_("experiment"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    variant = models.ForeignKey(
        Variant, verbose_name=_("variant"), on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    anonymous_id = models.CharField(_("visitor id"), max_length=64, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    exposed_at = models.DateTimeField(_("exposed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ("-assigned_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("experiment", "user"),
                condition=Q(user__isnull=False),
                name="analytics_assignment_user",
            ),
            models.UniqueConstraint(
                fields=("experiment", "anonymous_id"),
                condition=~Q(anonymous_id=""),
                name="analytics_assignment_visitor",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(anonymous_id=""),
                name="analytics_assignment_unit",
            ),
        ]
        indexes = [
            models.Index(
                fields=("experiment", "variant", "exposed_at"), name="analytics_assignment_exposed"
            )
        ]

    def __str__(self) -> str:
        return f"{self.experiment_id}:{self.user_id or self.anonymous_id} -> {self.variant_id}"


class ResultsView(models.Model):
    """Someone opened an experiment's results: while it runs below its planned sample size,
    each such look is a peek (repeated looks inflate the false-positive rate)."""

    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.CASCADE, related_name="views"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True)
    while_running = models.BooleanField(_("while running"), default=False)
    before_planned_sample = models.BooleanField(_("before the planned sample"), default=False)
    smallest_sample = models.PositiveIntegerField(_("smallest variant's exposures"), default=0)

    class Meta:
        verbose_name = _("results view")
        verbose_name_plural = _("results views")
        ordering = ("-viewed_at", "-id")

    def __str__(self) -> str:
        return f"{self.experiment_id} viewed {self.viewed_at:%Y-%m-%d %H:%M}"
