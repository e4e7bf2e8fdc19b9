"""Forms of the staff's experiment pages: the experiment's settings and its variants (a
formset). The services check the rules again (one control, unique keys...) for the API."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from activity.verbs import Verb


class ExperimentForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=64,
        help_text=_("Used in templates and the API, e.g. course-cta. Cannot change later."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    hypothesis = forms.CharField(
        label=_("Hypothesis"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    goal_verbs = forms.MultipleChoiceField(
        label=_("Goals"),
        choices=Verb.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A unit converts when it does one of these after seeing its variant."),
    )
    primary_goal = forms.ChoiceField(
        label=_("Primary goal"),
        choices=Verb.choices,
        help_text=_("The goal the significance test and the sample size are about."),
    )
    baseline_rate = forms.FloatField(
        label=_("Baseline conversion rate"),
        min_value=0.0001,
        max_value=0.9999,
        initial=0.1,
        help_text=_("The control's expected rate, 0 to 1 (0.1 = 10%)."),
    )
    minimum_detectable_effect = forms.FloatField(
        label=_("Minimum detectable effect"),
        min_value=0.0001,
        max_value=0.9999,
        initial=0.02,
        help_text=_("The smallest absolute change worth detecting (0.02 = 2 points)."),
    )
    alpha = forms.FloatField(
        label=_("Significance level"), min_value=0.001, max_value=0.2, initial=0.05
    )
    power = forms.FloatField(label=_("Power"), min_value=0.5, max_value=0.99, initial=0.8)

    def __init__(self, *args: Any, locked: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in locked or ():
            self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        goals, primary = data.get("goal_verbs") or [], data.get("primary_goal")
        if primary and goals and primary not in goals:
            self.add_error("primary_goal", _("The primary goal must be one of the goals."))
        return data


class VariantForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=10_000)
    is_control = forms.BooleanField(label=_("Control"), required=False)


class BaseVariantFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not self._deleted(f)]
        keys = [row["key"] for row in rows]
        if len(rows) < 2:
            raise forms.ValidationError(_("An experiment needs at least two variants."))
        if len(set(keys)) != len(keys):
            raise forms.ValidationError(_("Each variant needs its own key."))
        if sum(1 for row in rows if row.get("is_control")) != 1:
            raise forms.ValidationError(_("Mark exactly one variant as the control."))

    def _deleted(self, form: forms.Form) -> bool:
        return bool(self.can_delete and form.cleaned_data.get("DELETE"))

    def rows(self) -> list[dict[str, Any]]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not self._deleted(f)]


VariantFormSet = forms.formset_factory(
    VariantForm,
    formset=BaseVariantFormSet,
    extra=1,
    min_num=2,
    max_num=10,
    validate_max=True,
    can_delete=True,
)


class StopForm(forms.Form):
    winner = forms.ChoiceField(
        label=_("Winner"),
        required=False,
        help_text=_(
            "Everyone gets the winner from now on; without one, everyone gets the control."
        ),
    )

    def __init__(self, *args: Any, variants: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        winner = self.fields["winner"]
        assert isinstance(winner, forms.ChoiceField)
        winner.choices = [("", _("No winner (show the control)")), *variants]
