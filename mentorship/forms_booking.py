"""Forms of booking's site pages: weekly hours, exceptions, booking, cancel, reschedule."""

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.models import AvailabilityException

WEEKDAY_CHOICES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]


def weekdays_of(rrule: str) -> list[str]:
    """The BYDAY codes of a weekly rule (empty for other recurrences)."""
    for part in (rrule or "").upper().split(";"):
        if part.startswith("BYDAY="):
            return [code[-2:] for code in part[len("BYDAY=") :].split(",") if code]
    return []


class AvailabilityRuleForm(forms.Form):
    weekdays = forms.MultipleChoiceField(
        label=_("Days"), choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    valid_from = forms.DateField(
        label=_("Starting on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Ending on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to repeat every week."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end comes after the start."))
        return data


class AvailabilityExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=AvailabilityException.Kind.choices)
    start_time = forms.TimeField(
        label=_("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Leave both times empty for a whole day off."),
    )
    end_time = forms.TimeField(
        label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class BookForm(forms.Form):
    """``starts_at`` is a slot's UTC ISO time (the page offers them as radio buttons)."""

    length_minutes = forms.TypedChoiceField(label=_("Length"), coerce=int, choices=())
    starts_at = forms.CharField(label=_("Time"), widget=forms.HiddenInput)
    agenda = forms.CharField(
        label=_("What would you like to talk about?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, lengths: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["length_minutes"].choices = [  # type: ignore[attr-defined]
            (n, _("%(n)s minutes") % {"n": n}) for n in lengths
        ]
        self.fields["starts_at"].error_messages["required"] = _("Pick a time.")

    def clean_starts_at(self) -> datetime:
        return parse_utc(self.cleaned_data["starts_at"])


def parse_utc(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise forms.ValidationError(_("Pick a time from the list.")) from None
    if moment.tzinfo is None:
        raise forms.ValidationError(_("Pick a time from the list."))
    return moment.astimezone(UTC)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the other person)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RescheduleForm(forms.Form):
    starts_at = forms.CharField(label=_("New time"), widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].error_messages["required"] = _("Pick a time.")

    def clean_starts_at(self) -> datetime:
        return parse_utc(self.cleaned_data["starts_at"])
