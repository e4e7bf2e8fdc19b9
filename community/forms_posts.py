"""Site forms of posts and comments (the same rules as the API: the services check them)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from community.services.posts import MAX_ATTACHMENTS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class PostForm(forms.Form):
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Post"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown works. Mention a member with @ and their name without spaces."),
    )
    channel = forms.TypedChoiceField(
        label=_("Channel"), coerce=int, required=False, empty_value=None
    )
    attachments = MultipleFileField(
        label=_("Images or files"),
        required=False,
        help_text=_("Up to %(n)d images or documents.") % {"n": MAX_ATTACHMENTS},
    )

    def __init__(self, *args: Any, channels: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", _("Whole group"))] + [  # type: ignore[attr-defined]
            (c.pk, f"#{c.name}") for c in channels
        ]


class PostEditForm(forms.Form):
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Post"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ReactionForm(forms.Form):
    emoji = forms.CharField(max_length=32)
    on = forms.BooleanField(required=False)


class FlagForm(forms.Form):
    value = forms.BooleanField(required=False)
