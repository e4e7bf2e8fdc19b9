"""Staff's view of banks, quizzes and attempts. Questions are checked by the engine on save
(the same rules as the mentors' editor); attempts are read-only records: grading happens on the
grading worker and by mentors, "Grade again" re-queues a submitted attempt."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kalpla.exceptions import ValidationError

from .engine.data import data_clean
from .models import (
    Attempt,
    AttemptQuestion,
    GradeChange,
    Question,
    QuestionBank,
    QuestionTag,
    Quiz,
    QuizSlot,
)
from .tasks import attempt_grade_queue


class QuestionAdminForm(ModelForm):
    class Meta:
        model = Question
        fields = ("bank", "kind", "name", "text", "points", "data", "feedback", "category", "tags")

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        kind, data = cleaned.get("kind"), cleaned.get("data")
        if kind and data is not None:
            try:
                cleaned["data"] = data_clean(kind=kind, data=data)
            except ValidationError as exc:
                raise DjangoValidationError(
                    {"data": [f"{path}: {'; '.join(m)}" for path, m in exc.errors.items()]}
                ) from exc
        return cleaned


class QuestionTagInline(admin.TabularInline):
    model = QuestionTag
    extra = 0


@admin.register(QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "created_at")
    search_fields = ("title", "course__title", "course__slug")
    raw_id_fields = ("course",)
    inlines = [QuestionTagInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ("__str__", "kind", "bank", "category", "points", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "text", "bank__title", "bank__course__slug")
    raw_id_fields = ("bank",)
    filter_horizontal = ("tags",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        return super().get_queryset(request).select_related("bank")


class QuizSlotInline(admin.TabularInline):
    model = QuizSlot
    extra = 0
    raw_id_fields = ("question", "bank", "tag")


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ("lesson", "course", "behaviour", "attempts_allowed", "time_limit", "closes_at")
    list_filter = ("behaviour", "grading_method")
    search_fields = ("lesson__title", "course__title", "course__slug")
    raw_id_fields = ("lesson", "course")
    inlines = [QuizSlotInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Quiz]:
        return super().get_queryset(request).select_related("lesson", "course")


class AttemptQuestionInline(admin.TabularInline):
    model = AttemptQuestion
    extra = 0
    can_delete = False
    fields = ("position", "kind", "points", "response", "state", "score", "comment", "graded_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class GradeChangeInline(admin.TabularInline):
    model = GradeChange
    extra = 0
    can_delete = False
    fields = ("created_at", "attempt_question", "changed_by", "old_score", "new_score", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("quiz", "student", "number", "state", "score", "max_score", "submitted_at")
    list_filter = ("state", "auto_submitted", "is_preview")
    search_fields = ("student__email", "quiz__lesson__title", "quiz__course__slug")
    raw_id_fields = ("quiz", "student")
    readonly_fields = (
        "quiz", "student", "number", "state", "seed", "started_at", "deadline", "submitted_at",
        "auto_submitted", "graded_at", "score", "max_score", "current_page", "is_preview",
    )  # fmt: skip
    inlines = [AttemptQuestionInline, GradeChangeInline]
    actions = ["grade_again"]
    date_hierarchy = "started_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attempt]:
        return super().get_queryset(request).select_related("quiz__lesson", "student")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Grade submitted attempts again (those stuck in grading)"))
    def grade_again(self, request: HttpRequest, queryset: QuerySet[Attempt]) -> None:
        ids = list(queryset.filter(state=Attempt.State.SUBMITTED).values_list("pk", flat=True))
        for attempt_id in ids:
            attempt_grade_queue(attempt_id=attempt_id)
        self.message_user(
            request, _("%(n)d attempts queued for grading.") % {"n": len(ids)}, messages.SUCCESS
        )
