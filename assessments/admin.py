"""Staff's view of banks, quizzes and attempts. Questions are checked by the engine on save
(the same rules as the mentors' editor); attempts are read-only records: grading happens on the
grading worker and by mentors, "Grade again" re-queues a submitted attempt."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kalpla.exceptions import ValidationError

from .engine.data import data_clean
from .models import (
    Assignment,
    Attempt,
    AttemptQuestion,
    Certificate,
    Extension,
    GradebookSettings,
    GradeCategory,
    GradeChange,
    GradeEntry,
    GradeItem,
    Question,
    QuestionBank,
    QuestionTag,
    Quiz,
    QuizSlot,
    Rubric,
    RubricCriterion,
    RubricLevel,
    Submission,
)
from .services.certificates import certificate_reissue, certificate_revoke
from .services.gradebook_admin import course_grades_refresh_later
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
    fk_name = "attempt"
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


class RubricCriterionInline(admin.TabularInline):
    model = RubricCriterion
    extra = 0
    show_change_link = True


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "created_at")
    search_fields = ("title", "course__title", "course__slug")
    raw_id_fields = ("course",)
    inlines = [RubricCriterionInline]


class RubricLevelInline(admin.TabularInline):
    model = RubricLevel
    extra = 0


@admin.register(RubricCriterion)
class RubricCriterionAdmin(admin.ModelAdmin):
    list_display = ("title", "rubric", "position")
    raw_id_fields = ("rubric",)
    inlines = [RubricLevelInline]


class ExtensionInline(admin.TabularInline):
    model = Extension
    extra = 0
    raw_id_fields = ("student", "granted_by")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("lesson", "course", "due_at", "cutoff_at", "points", "penalty_per_day")
    search_fields = ("lesson__title", "course__title", "course__slug")
    raw_id_fields = ("lesson", "course", "rubric")
    inlines = [ExtensionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        return super().get_queryset(request).select_related("lesson", "course")


class SubmissionGradeChangeInline(GradeChangeInline):
    fk_name = "submission"


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Submissions are the students' records: read here, graded by mentors on the site."""

    list_display = (
        "assignment", "student", "version", "is_latest", "days_late", "state", "final_score",
        "released_at",
    )  # fmt: skip
    list_filter = ("state", "is_latest")
    search_fields = ("student__email", "assignment__lesson__title", "assignment__course__slug")
    raw_id_fields = ("assignment", "student", "graded_by")
    readonly_fields = (
        "assignment", "student", "version", "is_latest", "text", "file", "file_name",
        "file_type", "file_size", "submitted_at", "days_late", "penalty_percent",
        "final_score", "graded_by", "graded_at",
    )  # fmt: skip
    inlines = [SubmissionGradeChangeInline]
    date_hierarchy = "submitted_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Submission]:
        return super().get_queryset(request).select_related("assignment__lesson", "student")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Staff revoke a certificate (write why, then choose Revoked) or reissue it with the
    student's current name; the public check page follows at once."""

    list_display = ("code", "name", "course_title", "status", "issued_at")
    list_filter = ("status",)
    search_fields = ("code", "name", "student__email", "course_title")
    raw_id_fields = ("student", "course")
    readonly_fields = (
        "student", "course", "code", "name", "course_title", "instructors", "issued_at", "pdf",
        "revoked_at", "revoked_by",
    )  # fmt: skip
    fields = (*readonly_fields, "status", "revoked_reason")
    actions = ["reissue"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Certificate, form: Any, change: bool) -> None:
        if change and "status" in form.changed_data and obj.status == Certificate.Status.REVOKED:
            obj.status = Certificate.Status.VALID  # the service makes the change, with who/when
            certificate_revoke(user=request.user, certificate=obj, reason=obj.revoked_reason)
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Reissue with the student's current name"))
    def reissue(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        for certificate in queryset.select_related("student", "course"):
            certificate_reissue(user=request.user, certificate=certificate)
        self.message_user(request, _("Certificates reissued."), messages.SUCCESS)


# --- the gradebook ---------------------------------------------------------------------------
# Settings and categories are edited here as on the mentors' settings page (through the
# services, so totals are recounted); items and entries are records kept by the services:
# staff read them, and an entry's overrides with their trail.


@admin.register(GradebookSettings)
class GradebookSettingsAdmin(admin.ModelAdmin):
    list_display = ("course", "pass_percent", "updated_at")
    search_fields = ("course__title", "course__slug")
    fields = ("course", "pass_percent", "scale")
    raw_id_fields = ("course",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        course_grades_refresh_later(course_id=obj.course_id)


@admin.register(GradeCategory)
class GradeCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "course", "weight", "drop_lowest", "position")
    search_fields = ("name", "course__title")
    raw_id_fields = ("course",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        course_grades_refresh_later(course_id=obj.course_id)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(GradeItem)
class GradeItemAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "course", "max_points", "category", "extra_credit", "due_at")
    list_select_related = ("course", "category", "quiz__lesson", "assignment__lesson")
    list_filter = ("extra_credit",)
    search_fields = ("course__title",)


class EntryGradeChangeInline(GradeChangeInline):
    fk_name = "entry"
    fields = ("created_at", "attempt_question", "changed_by", "old_score", "new_score", "reason")
    readonly_fields = fields


@admin.register(GradeEntry)
class GradeEntryAdmin(ReadOnlyAdmin):
    """The overrides' audit: who, when, old and new mark, why (read-only)."""

    list_display = ("item", "student", "points", "released", "override_points", "updated_at")
    list_select_related = ("item__quiz__lesson", "item__assignment__lesson", "student")
    list_filter = ("released",)
    search_fields = ("student__email", "student__name")
    inlines = [EntryGradeChangeInline]


# Badges have their own admin module.
from .badges import admin as badges_admin  # noqa: E402, F401
