from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from enrollments.models import Enrollment, LessonProgress


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
        "progress_percent",
        "last_viewed_at",
        "created_at",
    )
    list_filter = ("status", "source")
    search_fields = ("user__email", "user__name", "course__title", "course__slug")
    raw_id_fields = ("user", "course", "last_lesson")
    readonly_fields = ("created_at", "completed_at", "cancelled_at", "last_viewed_at")
    date_hierarchy = "created_at"
    inlines = [LessonProgressInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrollment]:
        return super().get_queryset(request).select_related("user", "course")
