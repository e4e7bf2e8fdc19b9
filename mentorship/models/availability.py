"""When a mentor can meet: weekly rules and dated exceptions, in the mentor's own time zone."""

from datetime import date

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentorship.models.profiles import MentorProfile


def validate_rrule(value: str) -> None:
    """An RFC 5545 RRULE body such as ``FREQ=WEEKLY;BYDAY=MO,WE`` (no DTSTART, no COUNT)."""
    text = (value or "").strip().upper()
    if not text.startswith("FREQ="):
        raise ValidationError(_("A recurrence starts with FREQ=, e.g. FREQ=WEEKLY;BYDAY=MO,WE."))
    if "DTSTART" in text or "COUNT=" in text:
        raise ValidationError(_("Give the start date and the end date as fields, not in the rule."))
    try:
        rrulestr(text, dtstart=date(2000, 1, 3))
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            _("Not a valid recurrence rule: %(error)s"), params={"error": exc}
        ) from exc


class AvailabilityRule(models.Model):
    """Hours that repeat: ``rrule`` picks the days, start and end times the hours that day.

    Times are wall-clock times in the mentor's time zone, so 09:00 stays 09:00 for the mentor
    across daylight-saving changes. The rule applies from ``valid_from`` until ``valid_until``
    (inclusive, open-ended when empty).
    """

    mentor = models.ForeignKey(
        MentorProfile, on_delete=models.CASCADE, related_name="availability_rules"
    )
    rrule = models.CharField(
        _("repeats"),
        max_length=200,
        default="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        validators=[validate_rrule],
    )
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    valid_from = models.DateField(_("starting on"))
    valid_until = models.DateField(_("ending on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("availability rule")
        verbose_name_plural = _("availability rules")
        ordering = ("mentor", "valid_from", "start_time", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="availability_rule_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="availability_rule_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rrule} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    def clean(self) -> None:
        self.rrule = (self.rrule or "").strip().upper()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The end comes after the start.")})
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The last day comes after the first.")})


class AvailabilityException(models.Model):
    """A dated change: a day (or some hours) off, or extra hours on a day."""

    class Kind(models.TextChoices):
        OFF = "off", _("Not available")
        EXTRA = "extra", _("Extra hours")

    mentor = models.ForeignKey(
        MentorProfile, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.OFF)
    # Both empty on an "off" exception: the whole day.
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")
        ordering = ("mentor", "date", "start_time", "pk")
        indexes = [models.Index(fields=("mentor", "date"), name="availability_exc_mentor_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"

    def clean(self) -> None:
        if (self.start_time is None) != (self.end_time is None):
            raise ValidationError(_("Give both times, or neither for the whole day."))
        if self.kind == self.Kind.EXTRA and self.start_time is None:
            raise ValidationError({"start_time": _("Extra hours need a start and an end.")})
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The end comes after the start.")})
