"""Site forms of the courses pages (authoring, reviews). They parse and validate input;
services save it."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from courses.models import Category, Course, Lesson, Tag
from courses.services.authoring import COURSE_EDITABLE, LESSON_FIELDS
from files.uploads import validate_upload
from kalpla.integrations.transcribe import TRANSCRIBE_LANGUAGES
from mediatools.captions import CaptionError, parse_vtt


def language_choices() -> list[tuple[str, str]]:
    """The site's languages first, then the others captions can be made for."""
    codes = [code for code, _name in settings.LANGUAGES]
    codes += sorted(code for code in TRANSCRIBE_LANGUAGES if code not in codes)
    choices = []
    for code in codes:
        try:
            info = get_language_info(code)
        except KeyError:
            choices.append((code, code))
        else:
            name, local = info["name"], info["name_local"]
            choices.append((code, name if name == local else f"{name} ({local})"))
    return choices


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CourseForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    prerequisites = forms.ModelMultipleChoiceField(
        label=_("Prerequisites"),
        queryset=Course.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Published courses a student must complete before this one."),
    )

    class Meta:
        model = Course
        fields = COURSE_EDITABLE
        widgets = {"description": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "description": _("Markdown: **bold**, _italic_, lists, links. HTML is removed."),
            "price": _("0 makes the course free."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = Category.objects.select_related("parent")
        published = Q(status=Course.Status.PUBLISHED)
        if self.instance.pk:
            # Keep what the course already requires, even if it left the catalogue since.
            published |= Q(required_for=self.instance)
        others = Course.objects.filter(published).distinct().order_by("title")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        prerequisites = self.fields["prerequisites"]
        assert isinstance(prerequisites, forms.ModelMultipleChoiceField)
        prerequisites.queryset = others.only("id", "title")
        # An empty list of checkboxes is only noise.
        if not others.exists():
            del self.fields["prerequisites"]
        if not Tag.objects.exists():
            del self.fields["tags"]


class CoverForm(forms.Form):
    cover = forms.FileField(
        label=_("Cover image"),
        help_text=_("JPEG, PNG or WebP, up to 10 MB; shown at 16:9."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_cover(self) -> Any:
        file = self.cleaned_data["cover"]
        validate_upload(file, kind="image")
        return file


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Module title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ModuleRenameForm(forms.Form):
    title = forms.CharField(label=_("Module title"), max_length=200)


class LessonCreateForm(forms.Form):
    title = forms.CharField(label=_("Lesson title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Lesson.Kind.choices, initial=Lesson.Kind.VIDEO
    )


class LessonForm(forms.ModelForm):
    """The fields a lesson of ``kind`` uses: media kinds get their duration from the file."""

    class Meta:
        model = Lesson
        fields = LESSON_FIELDS
        widgets = {
            "content": forms.Textarea(attrs={"rows": 14}),
            "release_date": DateTimeLocalInput(),
            "release": forms.RadioSelect,
        }
        help_texts = {
            "is_preview": _("Anyone can watch a preview lesson without enrolling."),
            "duration": _("In seconds. Filled in from the media file for video and audio."),
            "content": _("Markdown. Text lessons are narrated automatically."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.instance.kind
        if kind in (Lesson.Kind.VIDEO, Lesson.Kind.AUDIO):
            del self.fields["duration"]
        if kind not in (Lesson.Kind.TEXT, Lesson.Kind.QUIZ, Lesson.Kind.ASSIGNMENT):
            self.fields["content"].label = _("Notes (Markdown)")
        self.fields["content"].required = False
        if "duration" in self.fields:
            self.fields["duration"].required = False
        self.fields["release_days"].required = False
        self.fields["release_date"].required = False

    def clean_release_days(self) -> int:
        return self.cleaned_data.get("release_days") or 0

    def clean_duration(self) -> int:
        return self.cleaned_data.get("duration") or 0


class CaptionsForm(forms.Form):
    vtt = forms.CharField(
        label=_("Captions (WebVTT)"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "mono", "spellcheck": "false"}),
        help_text=_("Edit the text of a cue; keep the “00:00:01.000 --> 00:00:04.000” lines."),
        strip=False,
    )

    def clean_vtt(self) -> str:
        text = str(self.cleaned_data["vtt"]).replace("\r\n", "\n")
        try:
            parse_vtt(text.strip() + "\n")
        except CaptionError as exc:
            raise ValidationError(str(exc), code="invalid_vtt") from None
        return text


class CaptionsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Caption file"),
        help_text=_("WebVTT (.vtt) or SubRip (.srt), UTF-8. It replaces the current captions."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".vtt,.srt,text/vtt,application/x-subrip"}
        ),
    )


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, Word, Excel, PowerPoint, ZIP or plain text; 50 MB.")
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        validate_upload(file, kind="document")
        return file


class MediaUploadForm(forms.Form):
    """Without JavaScript the file comes here; with it, only the key of a direct upload."""

    key = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)
    file = forms.FileField(label=_("Media file"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("key") and not data.get("file"):
            raise ValidationError(_("Choose a file to upload."), code="required")
        return data


class ReturnToDraftForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the mentors"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What should change before the course can be published?"),
    )


class PublishForm(forms.Form):
    """Publish ("1") a draft module or lesson, or take it back to draft ("0")."""

    published = forms.TypedChoiceField(
        choices=[("1", _("Publish")), ("0", _("Back to draft"))], coerce=lambda v: v == "1"
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class ReorderForm(forms.Form):
    """The new order of a list (drag and drop): its ids, comma-separated, first to last."""

    order = forms.RegexField(
        regex=r"^\d{1,18}(,\d{1,18}){0,499}$",
        error_messages={"invalid": _("Send the ids of the list, comma-separated.")},
    )

    def clean_order(self) -> list[int]:
        return [int(part) for part in self.cleaned_data["order"].split(",")]


class RerunForm(forms.Form):
    job = forms.ChoiceField(choices=[("media", _("Media")), ("narration", _("Narration"))])


# --- the course page's reviews ------------------------------------------------------------


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, f"{n} ★") for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your review"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What did you learn? What could be better?"),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty to remove your reply."),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this review?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Moderators read every report. Say what breaks the rules."),
    )
