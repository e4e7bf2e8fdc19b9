"""Forms of the live-class pages: they parse; the services decide and save."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from courses.selectors.authoring import teach_course_list


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; read in the viewer's time zone (the middleware's)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class LiveClassForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the class covers and what to prepare."),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=DateTimeLocalInput(),
        help_text=_("In your time zone. You can go live from 15 minutes before."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        initial=60,
        validators=[MinValueValidator(10), MaxValueValidator(480)],
    )


class LiveClassScheduleForm(LiveClassForm):
    """Scheduling: the course is one the user teaches."""

    course: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Course"), queryset=None, empty_label=None
    )
    field_order = ["course", "title", "description", "starts_at", "duration_minutes"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        courses = self.fields["course"]
        assert isinstance(courses, forms.ModelChoiceField)
        courses.queryset = teach_course_list(user=user).order_by("title")


class LiveClassRecordingForm(forms.Form):
    url = forms.URLField(
        label=_("Recording link"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where students can watch the class again."),
    )
