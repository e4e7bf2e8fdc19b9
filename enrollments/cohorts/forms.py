"""Forms of the cohort pages (dates in the course's time zone: the views activate it)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollments.cohorts.services import COHORT_FIELDS
from enrollments.models import Cohort


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CohortForm(forms.ModelForm):
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for unlimited seats."),
    )

    class Meta:
        model = Cohort
        fields = COHORT_FIELDS
        widgets = {
            name: DateTimeLocalInput() for name in ("starts_at", "ends_at", "opens_at", "closes_at")
        }

    def _post_clean(self) -> None:
        # The service runs the model's checks (names, dates) and shows them on the form.
        pass


class CohortSwitchForm(forms.Form):
    cohort = forms.ModelChoiceField(label=_("Move to"), queryset=Cohort.objects.none())

    def __init__(self, *args: Any, cohorts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cohort"]
        field.queryset = cohorts  # type: ignore[attr-defined]
