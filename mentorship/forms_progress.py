"""Forms of mentoring progress: notes, action items, rating, no-show, goals, milestones and
progress updates. They parse; the services in mentorship/services/ apply the rules."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.models import Goal, SessionNote

DATE = forms.DateInput(attrs={"type": "date"})


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    visibility = forms.ChoiceField(
        label=_("Who sees it"), choices=SessionNote.Visibility.choices, initial="private"
    )

    def __init__(self, *args: Any, mentee: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if mentee:
            # a mentee's notes are their own: nothing to choose
            cast(forms.ChoiceField, self.fields["visibility"]).choices = [("private", _("Only me"))]


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ChoiceField(
        label=_("Who does it"), choices=[("mentee", _("Mentee")), ("mentor", _("Mentor"))]
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)
    session = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ActionItemToggleForm(forms.Form):
    done = forms.BooleanField(required=False)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=_("Feedback for your mentor"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoShowForm(forms.Form):
    party = forms.ChoiceField(choices=[("mentor", _("Mentor")), ("mentee", _("Mentee"))])


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)


class MilestoneMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class ProgressUpdateForm(forms.Form):
    body = forms.CharField(
        label=_("How is it going?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    goal = forms.TypedChoiceField(
        label=_("About the goal"), required=False, coerce=int, empty_value=None
    )
    percent = forms.IntegerField(
        label=_("Progress (%)"), required=False, min_value=0, max_value=100
    )

    def __init__(self, *args: Any, goals: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["goal"]).choices = [
            ("", _("No goal in particular"))
        ] + [(g.pk, g.title) for g in goals]
