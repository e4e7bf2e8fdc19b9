from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enrollments.cohorts.selectors import cohort_annotated, cohort_seats_taken
from enrollments.cohorts.waitlist import cohort_promote
from enrollments.imports.parsing import csv_check, csv_decode
from enrollments.imports.services import enrollment_import_create
from enrollments.models import Cohort, Enrollment, EnrollmentImport, LessonProgress, WaitlistEntry
from kalpla.exceptions import ApplicationError


class LessonProgressInline(admin.TabularInline):
    model = LessonProgress
    extra = 0
    raw_id_fields = ("lesson",)
    fields = ("lesson", "position_seconds", "completed_at", "updated_at")
    readonly_fields = ("updated_at",)


class EnrollmentAdminForm(forms.ModelForm):
    """A cohort set here must be the course's and have a seat (the seat rule of the services;
    staff may still raise the cohort's capacity first)."""

    class Meta:
        model = Enrollment
        fields = (
            "user",
            "course",
            "cohort",
            "status",
            "source",
            "grant_reference",
            "progress_percent",
            "last_lesson",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cohort, course = data.get("cohort"), data.get("course")
        if cohort is None or course is None:
            return data
        if cohort.course_id != course.pk:
            self.add_error("cohort", gettext("This cohort belongs to another course."))
            return data
        joining = self.instance.pk is None or self.instance.cohort_id != cohort.pk
        live = data.get("status") in (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)
        full = cohort.capacity is not None and cohort_seats_taken(cohort=cohort) >= cohort.capacity
        if joining and live and full:
            self.add_error(
                "cohort",
                gettext("This cohort is full (%(n)d seats). Raise its capacity first.")
                % {"n": cohort.capacity},
            )
        return data


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    """Staff may grant (source "staff") or inspect enrollments. Counts on the course are kept
    by the services; enrolling through the site or API is the normal way in."""

    list_display = (
        "user",
        "course",
        "status",
        "source",
        "cohort",
        "progress_percent",
        "last_viewed_at",
        "created_at",
    )
    form = EnrollmentAdminForm
    list_filter = ("status", "source")
    search_fields = ("user__email", "user__name", "course__title", "course__slug")
    raw_id_fields = ("user", "course", "cohort", "last_lesson")
    readonly_fields = ("created_at", "completed_at", "cancelled_at", "last_viewed_at")
    date_hierarchy = "created_at"
    inlines = [LessonProgressInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrollment]:
        return super().get_queryset(request).select_related("user", "course", "cohort")


class EnrollmentImportAddForm(forms.ModelForm):
    """Upload only: the run fills in everything else."""

    upload = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: email, course (slug), and optionally cohort (name) and name. Unknown "
            "addresses get invited accounts; people already enrolled are skipped."
        ),
    )

    class Meta:
        model = EnrollmentImport
        fields: tuple[str, ...] = ()

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        try:
            csv_check(csv_decode(upload.read()))
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None
        upload.seek(0)
        return upload


@admin.register(EnrollmentImport)
class EnrollmentImportAdmin(admin.ModelAdmin):
    """Upload a CSV (Add) and follow imports; the run is the job ``enrollments.import``."""

    list_display = (
        "file_name",
        "created_by",
        "status",
        "total_rows",
        "enrolled_count",
        "invited_count",
        "skipped_count",
        "failed_count",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("file_name", "created_by__email")
    date_hierarchy = "created_at"
    list_select_related = ("created_by",)
    readonly_fields = (
        "file_name",
        "created_by",
        "status",
        "progress",
        "total_rows",
        "processed_rows",
        "enrolled_count",
        "invited_count",
        "skipped_count",
        "failed_count",
        "error",
        "error_report",
        "job",
        "created_at",
        "started_at",
        "finished_at",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[EnrollmentImport]:
        return super().get_queryset(request).defer("source", "skipped")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = EnrollmentImportAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("upload",) if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        upload = form.cleaned_data["upload"]
        created = enrollment_import_create(
            user=request.user, file_name=upload.name, data=upload.read()
        )
        obj.pk = created.pk
        obj.refresh_from_db()

    def response_add(self, request: HttpRequest, obj: Any, *args: Any, **kwargs: Any) -> Any:
        # Where the progress bar is.
        return redirect("enrollments:import_detail", import_id=obj.pk)

    @admin.display(description=_("progress"))
    def progress(self, obj: EnrollmentImport) -> str:
        return f"{obj.progress_percent}%"

    @admin.display(description=_("error report"))
    def error_report(self, obj: EnrollmentImport) -> str:
        if not obj.failed_count:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("enrollments:import_errors", kwargs={"import_id": obj.pk}),
            gettext("Download the failed rows (CSV)"),
            reverse("enrollments:import_detail", kwargs={"import_id": obj.pk}),
            gettext("Progress page"),
        )


class WaitlistEntryInline(admin.TabularInline):
    model = WaitlistEntry
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "status", "created_at", "offered_at", "offer_expires_at", "closed_at")
    readonly_fields = ("created_at", "offered_at", "offer_expires_at", "closed_at")
    ordering = ("created_at", "id")


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    """Cohorts of courses. Saving one gives any free seats to its waitlist in order (as the
    course editor's Cohorts tab does). Moving a student between cohorts with seats checked is
    on the cohort's roster page on the site."""

    list_display = (
        "name",
        "course",
        "starts_at",
        "ends_at",
        "capacity",
        "seats_taken",
        "waiting",
        "is_active",
    )
    list_filter = ("is_active",)
    search_fields = ("name", "course__title", "course__slug")
    raw_id_fields = ("course",)
    date_hierarchy = "starts_at"
    readonly_fields = ("created_at", "updated_at")
    inlines = [WaitlistEntryInline]
    actions = ["archive"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cohort]:
        return cohort_annotated(super().get_queryset(request).select_related("course"))

    @admin.display(description=_("seats taken"))
    def seats_taken(self, cohort: Cohort) -> int:
        return int(cohort.enrolled_count + cohort.offer_count)  # type: ignore[attr-defined]

    @admin.display(description=_("waiting"))
    def waiting(self, cohort: Cohort) -> int:
        return int(cohort.waiting_count)  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        cohort_promote(cohort_id=form.instance.pk)

    @admin.action(description=_("Archive the selected cohorts (no new enrollments)"))
    def archive(self, request: HttpRequest, queryset: QuerySet[Cohort]) -> None:
        for cohort in queryset:
            cohort.is_active = False
            cohort.save(update_fields=["is_active", "updated_at"])


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ("user", "cohort", "status", "created_at", "offer_expires_at")
    list_filter = ("status",)
    search_fields = ("user__email", "cohort__name", "cohort__course__title")
    raw_id_fields = ("user", "cohort")
    readonly_fields = ("created_at", "offered_at", "offer_expires_at", "closed_at")
    list_select_related = ("user", "cohort")
