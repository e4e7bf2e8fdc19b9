"""The dashboards' date-range picker: a preset (7, 30, 90 days) or a custom from/to."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from analytics.selectors.rollups import PRESETS, Period, period_make
from kalpla.errors import service_error_to_form
from kalpla.exceptions import ValidationError


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Last"),
        choices=[("", _("Custom range"))] + [(str(d), _("%(d)s days") % {"d": d}) for d in PRESETS],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: added here, read as form["from"]
        self.fields["from"] = forms.DateField(
            label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["to"] = forms.DateField(
            label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["period"] = period_make(
                start=data.get("from"), end=data.get("to"), days=data.get("days")
            )
        except ValidationError as exc:
            service_error_to_form(self, exc)
        return data

    @property
    def period(self) -> Period:
        period: Period = self.cleaned_data["period"]
        return period


def period_form(query: Any) -> PeriodForm:
    """The picker bound to the page's query (an empty query is the default 30 days)."""
    wanted = {k: query[k] for k in ("days", "from", "to") if query.get(k)}
    return PeriodForm(wanted)
