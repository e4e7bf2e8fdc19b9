"""Site forms of the moderation queue."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

ACTION_CHOICES = [
    ("approve", _("Keep")),
    ("hide", _("Hide")),
    ("delete", _("Delete")),
    ("warn", _("Warn the author")),
    ("mute", _("Mute in the group")),
    ("ban_group", _("Ban from the group")),
    ("ban_site", _("Ban from the site")),
]


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=ACTION_CHOICES)
    note = forms.CharField(
        label=_("Note (kept with the decision)"), max_length=1000, required=False
    )
    days = forms.IntegerField(
        label=_("Mute for (days)"), required=False, min_value=1, max_value=365
    )
    status = forms.CharField(required=False)  # where to come back to
    reason = forms.CharField(required=False)
    page = forms.IntegerField(required=False, min_value=1)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=[
            ("spam", _("Spam")),
            ("harassment", _("Harassment")),
            ("hate", _("Hate")),
            ("personal_data", _("Personal data")),
            ("other", _("Other")),
        ],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Details (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChatMessageForm(forms.Form):
    """The chat composer without JavaScript (the page's script sends over the socket)."""

    body = forms.CharField(
        label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    client_id = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    parent_id = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )


class ChatEditForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


# The reactions the site offers (the API and socket take any single emoji).
CHAT_EMOJI = ("👍", "❤️", "😂", "🎉", "😮", "🙏")


class ChatReactForm(forms.Form):
    emoji = forms.CharField(max_length=32)  # one of CHAT_EMOJI, or a reaction already there
    on = forms.BooleanField(required=False)


class DirectStartForm(forms.Form):
    user_ids = forms.TypedMultipleChoiceField(
        label=_("People"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user_ids"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = list(choices)

    def clean_user_ids(self) -> list[int]:
        ids = self.cleaned_data["user_ids"]
        if len(ids) > 9:
            raise forms.ValidationError(_("At most 9 people besides you."))
        return ids
