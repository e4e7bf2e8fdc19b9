from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import timezone_names
from kalpla.uploads import UPLOAD_KINDS


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
    timezone = forms.TypedChoiceField(label=_("Time zone"), choices=(), initial="UTC")

    class Meta:
        model = User
        fields = ("name", "avatar", "bio", "timezone", "language")
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        timezone_field = self.fields["timezone"]
        assert isinstance(timezone_field, forms.ChoiceField)
        timezone_field.choices = [(name, name) for name in timezone_names()]
        avatar_types = sorted(UPLOAD_KINDS["avatar"].content_types)
        self.fields["avatar"].widget.attrs["accept"] = ",".join(avatar_types)


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Key name"),
        max_length=100,
        help_text=_("What the key is for, e.g. “Reporting script”."),
    )
