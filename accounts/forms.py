from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.timezones import timezone_choices
from accounts.widgets import AvatarInput, TimeZoneSelect
from files.uploads import UPLOAD_KINDS


class SignupForm(forms.Form):
    """Extra signup fields; allauth calls signup() after creating the user."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("Your name")}),
    )

    def signup(self, request: Any, user: User) -> None:
        # The adapter's save_user stores the name and assigns the Student role.
        pass


class ProfileForm(forms.ModelForm):
    timezone = forms.TypedChoiceField(
        label=_("Time zone"), choices=(), initial="UTC", widget=TimeZoneSelect
    )

    class Meta:
        model = User
        fields = ("name", "avatar", "bio", "timezone", "language")
        labels = {"avatar": _("Profile picture")}
        widgets = {"avatar": AvatarInput, "bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        timezone_field = self.fields["timezone"]
        assert isinstance(timezone_field, forms.ChoiceField)
        # Grouped by region; the values (and so validation) are the IANA names as before.
        timezone_field.choices = timezone_choices()
        avatar_widget = self.fields["avatar"].widget
        assert isinstance(avatar_widget, AvatarInput)
        avatar_widget.alt_text = self.instance.display_name
        avatar_types = sorted(UPLOAD_KINDS["avatar"].content_types)
        avatar_widget.attrs["accept"] = ",".join(avatar_types)


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Key name"),
        max_length=100,
        help_text=_("What the key is for, e.g. “Reporting script”."),
    )
