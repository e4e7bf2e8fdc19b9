from django import forms
from django.utils.translation import gettext_lazy as _


class CouponForm(forms.Form):
    coupon = forms.CharField(
        label=_("Coupon code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class StaffNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How it was paid, or why access is granted (kept on the order)."),
    )


class StaffOrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    gateway = forms.ChoiceField(label=_("Gateway"), required=False)
    search = forms.CharField(label=_("Search"), max_length=100, required=False)

    def __init__(self, *args: object, statuses: list, gateways: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["status"].choices = [("", _("Any status")), *statuses]  # type: ignore[attr-defined]
        self.fields["gateway"].choices = [("", _("Any gateway")), *gateways]  # type: ignore[attr-defined]
