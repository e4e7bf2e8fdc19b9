"""Site forms of the moderation queue."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Keep")), ("hide", _("Hide"))])
    note = forms.CharField(
        label=_("Note (kept with the decision)"), max_length=1000, required=False
    )
    status = forms.CharField(required=False)  # where to come back to
    reason = forms.CharField(required=False)
    page = forms.IntegerField(required=False, min_value=1)


class ChatMessageForm(forms.Form):
    """The chat composer without JavaScript (the page's script sends over the socket)."""

    body = forms.CharField(
        label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    client_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
