from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from enrollments.cohorts.selectors import cohort_annotated
from enrollments.cohorts.waitlist import cohort_promote
from enrollments.models import Cohort, Enrollment, LessonProgress, WaitlistEntry


class LessonProgressInline(admin.TabularInline):
    model = LessonProgress
    extra = 0
    raw_id_fields = ("lesson",)
    fields = ("lesson", "position_seconds", "completed_at", "updated_at")
    readonly_fields = ("updated_at",)


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
    list_filter = ("status", "source")
    search_fields = ("user__email", "user__name", "course__title", "course__slug")
    raw_id_fields = ("user", "course", "cohort", "last_lesson")
    readonly_fields = ("created_at", "completed_at", "cancelled_at", "last_viewed_at")
    date_hierarchy = "created_at"
    inlines = [LessonProgressInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrollment]:
        return super().get_queryset(request).select_related("user", "course", "cohort")


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
