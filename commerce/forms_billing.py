"""Forms of the staff refund page and the revenue summary's filter."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Gateway


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("Leave empty to refund everything not refunded yet."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the student in their refund notice and on the credit note."),
    )


class RevenueForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(
        label=_("Group by"), choices=[("day", _("Day")), ("month", _("Month"))], initial="day"
    )
    gateway = forms.ChoiceField(
        label=_("Gateway"),
        required=False,
        choices=[("", _("All gateways")), *Gateway.choices],
    )

    MAX_DAYS = 3700

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end date must be on or after the start date."))
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("start", _("Choose at most ten years."))
        return cleaned


def revenue_default_range() -> tuple[date, date]:
    """The last 30 days, today included."""
    today = timezone.localdate()
    return today - timedelta(days=29), today
