"""Forms of the directory pages: filters, the mentor's profile, learner preferences, requests
and the mentorship's end."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import timezone_names
from courses.selectors.topics import tag_list
from mentorship.selectors.directory import DirectoryFilters
from mentorship.services.profiles import language_choices

OVERLAP_CHOICES = [("", _("Any"))] + [(str(h), _("%(h)d+ hours") % {"h": h}) for h in (2, 4, 6, 8)]


def _tags_field(label: Any, help_text: Any = "") -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=tag_list(),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def _languages_field(label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=language_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or ⌘) to pick several."),
    )


class DirectoryFilterForm(forms.Form):
    search = forms.CharField(label=_("Search"), required=False, max_length=100)
    tag = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=tag_list(),
        required=False,
        to_field_name="slug",
        empty_label=_("Any topic"),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    overlap_hours = forms.TypedChoiceField(
        label=_("Waking hours shared with me"),
        choices=OVERLAP_CHOICES,
        required=False,
        coerce=int,
        empty_value=None,
    )
    available = forms.BooleanField(label=_("Free this week"), required=False)
    has_room = forms.BooleanField(label=_("Has places left"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["language"]
        field.choices = [("", _("Any language")), *language_choices()]

    def filters(self) -> DirectoryFilters:
        data = self.cleaned_data
        return DirectoryFilters(
            search=data.get("search") or "",
            tag=data["tag"].slug if data.get("tag") else "",
            language=data.get("language") or "",
            overlap_hours=data.get("overlap_hours"),
            available=bool(data.get("available")),
            has_room=bool(data.get("has_room")),
        )


class SessionLengthsField(forms.CharField):
    """Minutes, separated by commas: "30, 60"."""

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value) or ""
        try:
            return [int(part) for part in text.replace(" ", "").split(",") if part]
        except ValueError as exc:
            raise forms.ValidationError(
                _("Give minutes separated by commas, e.g. 30, 60.")
            ) from exc


class MentorProfileForm(forms.Form):
    headline = forms.CharField(label=_("Headline"), max_length=160)
    bio = forms.CharField(
        label=_("About you"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    expertise = _tags_field(_("Expertise"))
    languages = _languages_field(_("Languages you mentor in"))
    timezone = forms.ChoiceField(label=_("Time zone"))
    capacity = forms.IntegerField(label=_("Most active mentees"), min_value=0, max_value=200)
    session_lengths = SessionLengthsField(
        label=_("Session lengths (minutes)"), help_text=_("Separated by commas, e.g. 30, 60.")
    )
    is_accepting = forms.BooleanField(label=_("Accepting new mentees"), required=False)
    is_listed = forms.BooleanField(label=_("Listed in the mentor directory"), required=False)
    min_notice_minutes = forms.IntegerField(label=_("Minimum notice (minutes)"), min_value=0)
    buffer_minutes = forms.IntegerField(
        label=_("Buffer between sessions (minutes)"), min_value=0, max_value=240
    )
    max_sessions_per_day = forms.IntegerField(label=_("Most sessions a day"), min_value=1)
    cancel_window_hours = forms.IntegerField(
        label=_("Cancel at least this many hours before"), min_value=0
    )
    reschedule_window_hours = forms.IntegerField(
        label=_("Reschedule at least this many hours before"), min_value=0
    )
    horizon_days = forms.IntegerField(
        label=_("Bookable this many days ahead"), min_value=1, max_value=180
    )
    slot_step_minutes = forms.IntegerField(
        label=_("Slots start every (minutes)"), min_value=5, max_value=240
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["timezone"]
        field.choices = [(z, z) for z in timezone_names()]


class LearnerPreferenceForm(forms.Form):
    interests = _tags_field(_("Topics you want help with"))
    languages = _languages_field(_("Languages you can be mentored in"))
    goals = forms.CharField(
        label=_("What you want to achieve"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MentorshipRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you would like help with, and what you have tried."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=tag_list().none(),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    course = forms.ChoiceField(label=_("About a course"), required=False)

    def __init__(self, *args: Any, topics: Any, courses: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topics_field: Any = self.fields["topics"]
        topics_field.queryset = topics
        self.courses = {c.slug: c for c in courses}
        course_field: Any = self.fields["course"]
        course_field.choices = [("", _("No particular course"))] + [
            (c.slug, c.title) for c in courses
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
