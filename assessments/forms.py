"""Reading a quiz page's answers from a plain HTML form (the site works without JavaScript).

Field names per question at position ``n``: ``q<n>`` (choice, true/false, text, numbers;
several values for multiple choice), ``q<n>-<prompt id>`` for matching and
``q<n>-<item id>`` (the item's place, 1..N) for ordering. A question whose fields are absent
is left as it was; an empty text clears it.
"""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from kalpla.exceptions import ValidationError

from .engine.kinds import QuestionKind
from .models import Assignment, Quiz
from .services.assignments import SETTINGS as ASSIGNMENT_SETTINGS
from .services.quizzes import SETTINGS


def _ordering(form: QueryDict, name: str, item_ids: list[str]) -> list[str] | None:
    places: dict[str, int] = {}
    for item_id in item_ids:
        raw = form.get(f"{name}-{item_id}", "")
        if not raw:
            return None
        if not raw.isdigit():
            raise ValidationError(
                "Give each item a place.", errors={name: ["Give each item a place."]}
            )
        places[item_id] = int(raw)
    if sorted(places.values()) != list(range(1, len(item_ids) + 1)):
        raise ValidationError(
            "Give each item a different place.", errors={name: ["Each place once, from 1."]}
        )
    return sorted(item_ids, key=places.__getitem__)


def answers_from_form(form: QueryDict, questions: list[dict[str, Any]]) -> dict[int, Any]:
    """Responses by position for the questions shown (``attempt_view``'s question dicts)."""
    out: dict[int, Any] = {}
    for q in questions:
        name = f"q{q['position']}"
        kind = q["kind"]
        if kind == QuestionKind.MULTIPLE_CHOICE:
            if f"{name}-shown" in form:  # checkboxes send nothing when none is ticked
                out[q["position"]] = form.getlist(name)
        elif kind == QuestionKind.TRUE_FALSE:
            if name in form:
                out[q["position"]] = {"true": True, "false": False}.get(form.get(name, ""))
        elif kind == QuestionKind.MATCHING:
            keys = [f"{name}-{p['id']}" for p in q["prompts"]]
            if any(k in form for k in keys):
                out[q["position"]] = {
                    p["id"]: form.get(f"{name}-{p['id']}", "") for p in q["prompts"]
                }
        elif kind == QuestionKind.ORDERING:
            order = _ordering(form, name, [i["id"] for i in q["items"]])
            if order is not None:
                out[q["position"]] = order
        elif name in form:
            value = form.get(name, "")
            out[q["position"]] = value if value.strip() else None
    return out


# --- mentors' forms --------------------------------------------------------------------------


class QuizSettingsForm(forms.ModelForm):
    """A quiz's settings; dates are entered in the course's time zone (the view activates it)."""

    class Meta:
        model = Quiz
        fields = SETTINGS
        widgets = {
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "instructions": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The quiz must close after it opens."))
        return cleaned


class BankForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=[("gift", "GIFT (Moodle)"), ("aiken", "Aiken")], initial="gift"
    )
    text = forms.CharField(
        label=_("Questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=_("Paste questions, or choose a file below."),
    )
    file = forms.FileField(label=_("File"), required=False)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > 1_000_000:
                raise forms.ValidationError({"file": _("At most 1 MB.")})
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError({"file": _("Save the file as UTF-8 text.")}) from exc
        if not (cleaned.get("text") or "").strip():
            raise forms.ValidationError({"text": _("Paste questions or choose a file.")})
        return cleaned


class OrderingForm(forms.Form):
    """Ordering questions have no GIFT form: one item per line, in the right order."""

    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    items = forms.CharField(
        label=_("Items, in the right order"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line; students see them shuffled."),
    )
    points = forms.DecimalField(label=_("Points"), min_value=0.01, max_value=1000, initial=1)

    def data_for_engine(self) -> dict:
        lines = [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]
        return {"items": [{"text": line} for line in lines]}


class SlotOrderForm(forms.Form):
    """A quiz's slots in their new order (the editor's drag and drop): ids, first to last."""

    order = forms.CharField(max_length=4000)

    def clean_order(self) -> list[int]:
        parts = self.cleaned_data["order"].split(",")
        if not all(part.isascii() and part.isdigit() and len(part) < 19 for part in parts):
            raise forms.ValidationError(_("Send the ids of the quiz's questions, comma-separated."))
        return [int(part) for part in parts]


class GradeForm(forms.Form):
    score = forms.DecimalField(label=_("Score"), min_value=0, decimal_places=2)
    comment = forms.CharField(
        label=_("Comment for the student"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(
        label=_("Why the mark changes (kept in the audit trail)"), required=False, max_length=500
    )


class AssignmentSettingsForm(forms.ModelForm):
    """An assignment's settings; dates in the course's time zone (the view activates it)."""

    file_kinds = forms.MultipleChoiceField(
        label=_("File types"),
        required=False,
        choices=[
            ("document", _("Documents (PDF, Word, Excel, PowerPoint, ZIP, text)")),
            ("image", _("Images")),
            ("audio", _("Audio recordings")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Assignment
        fields = ASSIGNMENT_SETTINGS
        widgets = {
            "due_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "cutoff_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "instructions": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rubric = self.fields["rubric"]
        rubric.queryset = rubric.queryset.filter(course=self.instance.course)  # type: ignore[attr-defined]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        due, cutoff = cleaned.get("due_at"), cleaned.get("cutoff_at")
        if due and cutoff and cutoff < due:
            self.add_error("cutoff_at", _("The cut-off cannot come before the due date."))
        if not (cleaned.get("accepts_text") or cleaned.get("accepts_file")):
            self.add_error("accepts_text", _("Accept a written answer, a file, or both."))
        return cleaned


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
        max_length=100000,
    )  # fmt: skip
    file = forms.FileField(label=_("File"), required=False)


class SubmissionGradeForm(forms.Form):
    score = forms.DecimalField(label=_("Mark"), min_value=0, decimal_places=2)
    feedback = forms.CharField(
        label=_("Feedback for the student"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reason = forms.CharField(
        label=_("Why the mark changes (kept in the audit trail)"), required=False, max_length=500
    )


class ExtensionForm(forms.Form):
    student = forms.EmailField(label=_("Student's email"))
    due_at = forms.DateTimeField(
        label=_("New due date"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class RubricForm(forms.Form):
    title = forms.CharField(label=_("Rubric title"), max_length=200)
    text = forms.CharField(
        label=_("Criteria"),
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_(
            "One criterion per line: “Clarity: 0 Hard to follow | 2 Mostly clear | 4 Clear”."
        ),
    )


# --- the gradebook ---------------------------------------------------------------------------


class GradebookSettingsForm(forms.Form):
    pass_percent = forms.DecimalField(
        label=_("Pass mark (%)"), min_value=0, max_value=100, decimal_places=2
    )
    scale = forms.CharField(
        label=_("Letter scale"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One letter a line with its lowest percent, highest first: A 90"),
    )


class GradeCategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    weight = forms.DecimalField(
        label=_("Weight (%)"), min_value=0, max_value=1000, decimal_places=2, initial=0
    )
    drop_lowest = forms.IntegerField(
        label=_("Drop the lowest"), min_value=0, max_value=50, initial=0
    )


class GradeItemForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.IntegerField(label=_("Category"), required=False)
    extra_credit = forms.BooleanField(label=_("Extra credit"), required=False)


class GradeOverrideForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    student = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.DecimalField(
        label=_("Points"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("Leave empty to remove the override."),
    )
    reason = forms.CharField(label=_("Why"), max_length=500)
