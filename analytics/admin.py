from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from activity.verbs import verb_info
from analytics.models import (
    Assignment,
    Campaign,
    CampaignInteraction,
    CampaignRecipient,
    CourseCompletion,
    CourseDay,
    CourseLearnerDay,
    CourseLessonDay,
    Event,
    Experiment,
    Nudge,
    PersonDay,
    ResultsView,
    RevenueDay,
    Segment,
    SiteDay,
    Variant,
)
from analytics.selectors.experiments import experiment_config_forget
from analytics.services.experiments import experiment_start, experiment_stop
from analytics.tasks_rollups import rollup_day_task
from courses.selectors.lessons import course_list
from kalpla.exceptions import ApplicationError


class CourseFilter(admin.SimpleListFilter):
    """Events of one course (``course_id`` is a plain number: no relation to filter on)."""

    title = _("course")
    parameter_name = "course"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (str(pk), title)
            for pk, title in course_list().order_by("title").values_list("pk", "title")
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(course_id=int(value))
        return queryset


class DemoFilter(admin.SimpleListFilter):
    """The generated history of ``seed_demo`` (``context["demo"]``) or the real events."""

    title = _("origin")
    parameter_name = "origin"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("demo", _("demo data")), ("real", _("reported by the site"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        if self.value() == "demo":
            return queryset.filter(context__has_key="demo")
        if self.value() == "real":
            return queryset.exclude(context__has_key="demo")
        return queryset


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
    list_filter = ("verb", CourseFilter, "platform", "object_type", DemoFilter)
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


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "created_by", "updated_at")
    search_fields = ("name", "description")
    list_select_related = ("created_by",)
    raw_id_fields = ("created_by",)


class CampaignRecipientInline(admin.TabularInline):
    model = CampaignRecipient
    fields = ("user", "notification_id", "created_at")
    readonly_fields = fields
    raw_id_fields = ("user",)
    extra = 0
    max_num = 0
    show_change_link = False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """Sending goes through the campaign pages (exactly once); here: look and fix texts."""

    list_display = ("name", "segment", "status", "scheduled_at", "sent_at", "targeted")
    list_filter = ("status",)
    search_fields = ("name", "email_subject", "inapp_title")
    list_select_related = ("segment",)
    raw_id_fields = ("created_by",)
    readonly_fields = ("status", "sent_at", "targeted")
    date_hierarchy = "created_at"


@admin.register(CampaignRecipient)
class CampaignRecipientAdmin(admin.ModelAdmin):
    list_display = ("campaign", "user", "notification_id", "created_at")
    list_filter = ("campaign",)
    search_fields = ("=user__email", "campaign__name")
    list_select_related = ("campaign", "user")
    raw_id_fields = ("user", "campaign")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CampaignInteraction)
class CampaignInteractionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "campaign", "kind", "channel", "user", "url")
    list_filter = ("kind", "channel")
    search_fields = ("=user__email", "campaign__name", "url")
    list_select_related = ("campaign", "user")
    raw_id_fields = ("user", "campaign")


# --- A/B experiments ---------------------------------------------------------------------------


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ("key", "name", "weight", "is_control")


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    """Settings and variants; start and stop go through the services (the actions), so the
    cached definition is retired and the rules (one control, final stop) hold."""

    list_display = ("key", "name", "status", "primary_goal", "started_at", "stopped_at", "winner")
    list_filter = ("status", "primary_goal")
    search_fields = ("key", "name", "hypothesis")
    readonly_fields = ("status", "started_at", "stopped_at", "winner", "created_at", "updated_at")
    list_select_related = ("winner",)
    inlines = (VariantInline,)
    actions = ("start_experiments", "stop_experiments")

    def save_model(self, request: HttpRequest, obj: Experiment, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        experiment_config_forget(key=obj.key)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        experiment_config_forget(key=form.instance.key)

    def _each(self, request: HttpRequest, queryset: Any, call: Any, done: Any) -> None:
        count = 0
        for experiment in queryset:
            try:
                call(experiment=experiment, by=request.user)
                count += 1
            except ApplicationError as exc:
                self.message_user(request, f"{experiment.key}: {exc.message}", messages.ERROR)
        if count:
            self.message_user(request, done % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Start the selected draft experiments"))
    def start_experiments(self, request: HttpRequest, queryset: Any) -> None:
        self._each(request, queryset, experiment_start, _("%(n)d experiment(s) started."))

    @admin.action(description=_("Stop the selected running experiments (no winner)"))
    def stop_experiments(self, request: HttpRequest, queryset: Any) -> None:
        self._each(request, queryset, experiment_stop, _("%(n)d experiment(s) stopped."))


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Who got which variant, and when they first saw it: records, not edited by hand."""

    list_display = ("experiment", "variant", "user", "anonymous_id", "assigned_at", "exposed_at")
    list_filter = ("experiment", ("exposed_at", admin.EmptyFieldListFilter))
    search_fields = ("=user__email", "=anonymous_id", "experiment__key")
    list_select_related = ("experiment", "variant", "user")
    raw_id_fields = ("user",)
    date_hierarchy = "assigned_at"


# --- rollups: computed rows, read-only; the platform days can be recomputed ----------------


class _RollupAdmin(admin.ModelAdmin):
    """Rollup rows are computed from the events: never added or edited by hand."""

    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Nudge)
class NudgeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "course", "learner", "nudged_by", "reasons")
    list_filter = ("course",)
    search_fields = ("=learner__email", "=nudged_by__email", "course__title")
    list_select_related = ("course", "learner", "nudged_by")
    raw_id_fields = ("course", "learner", "nudged_by")
    date_hierarchy = "created_at"


@admin.register(ResultsView)
class ResultsViewAdmin(admin.ModelAdmin):
    """Looks at the results: those while running below the planned sample are peeks."""

    list_display = (
        "experiment",
        "viewer",
        "viewed_at",
        "while_running",
        "before_planned_sample",
        "smallest_sample",
    )
    list_filter = ("experiment", "while_running", "before_planned_sample")
    search_fields = ("experiment__key", "=viewer__email")
    list_select_related = ("experiment", "viewer")

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
