"""The mentors' badge forms (the services check the rules; these only read the fields)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BadgeClass


class BadgeForm(forms.ModelForm):
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_(
            "PNG, JPEG, WebP or GIF, made a square PNG. Without one, a badge with its initials "
            "is drawn."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}
        ),
    )

    class Meta:
        model = BadgeClass
        fields = ("name", "description", "criteria", "trigger")
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "criteria": forms.Textarea(attrs={"rows": 3}),
        }


class AwardForm(forms.Form):
    email = forms.EmailField(label=_("Learner's email"))
    narrative = forms.CharField(
        label=_("Why (shown with the badge)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
