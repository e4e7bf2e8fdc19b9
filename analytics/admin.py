from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from activity.verbs import verb_info
from analytics.models import (
    CourseCompletion,
    CourseDay,
    CourseLearnerDay,
    CourseLessonDay,
    Event,
    PersonDay,
    RevenueDay,
    SiteDay,
)
from analytics.tasks_rollups import rollup_day_task


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The raw stream, read-only: events are facts, never edited by hand."""

    list_display = (
        "occurred_at",
        "verb",
        "actor",
        "object_type",
        "object_id",
        "course_id",
        "platform",
    )
    list_filter = ("verb", "platform", "object_type")
    search_fields = ("=actor__email", "=anonymous_id", "=event_id")
    readonly_fields = ("xapi_verb",)
    date_hierarchy = "occurred_at"
    list_select_related = ("actor",)

    @admin.display(description="xAPI verb")
    def xapi_verb(self, obj: Event) -> str:
        return verb_info(obj.verb).iri

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- rollups: computed rows, read-only; the platform days can be recomputed ----------------


class _RollupAdmin(admin.ModelAdmin):
    """Rollup rows are computed from the events: never added or edited by hand."""

    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SiteDay)
class SiteDayAdmin(_RollupAdmin):
    list_display = ("day", "dau", "wau", "mau", "signups", "enrollments", "completions")
    list_filter = (("day", admin.DateFieldListFilter),)
    actions = ("recompute",)

    @admin.action(description=_("Recompute the selected days from their events"))
    def recompute(self, request: HttpRequest, queryset: QuerySet[SiteDay]) -> None:
        days = sorted(queryset.values_list("day", flat=True))
        for day in days:
            rollup_day_task.delay(day.isoformat())
        self.message_user(
            request, _("%(n)s days queued for recomputing.") % {"n": len(days)}, messages.SUCCESS
        )


@admin.register(RevenueDay)
class RevenueDayAdmin(_RollupAdmin):
    list_display = ("day", "currency", "payments", "revenue", "refunds", "refunded")
    list_filter = ("currency",)


@admin.register(CourseDay)
class CourseDayAdmin(_RollupAdmin):
    list_display = (
        "day",
        "course_id",
        "enrollments",
        "active_learners",
        "completions",
        "lesson_views",
        "watch_seconds",
        "quiz_submissions",
        "ratings",
    )
    search_fields = ("=course_id",)


@admin.register(CourseLessonDay)
class CourseLessonDayAdmin(_RollupAdmin):
    list_display = ("day", "course_id", "lesson_id", "views", "completions")
    search_fields = ("=course_id", "=lesson_id")


@admin.register(CourseLearnerDay)
class CourseLearnerDayAdmin(_RollupAdmin):
    list_display = ("day", "course_id", "user_id")
    search_fields = ("=course_id", "=user_id")


@admin.register(CourseCompletion)
class CourseCompletionAdmin(_RollupAdmin):
    list_display = ("day", "course_id", "user_id", "duration_seconds")
    search_fields = ("=course_id", "=user_id")


@admin.register(PersonDay)
class PersonDayAdmin(_RollupAdmin):
    list_display = ("day", "person", "user_id", "catalogue", "course_page", "enrolled", "paid")
    list_filter = ("catalogue", "course_page", "enrolled", "paid")
    search_fields = ("=person", "=user_id")
