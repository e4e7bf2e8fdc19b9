from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from activity.verbs import verb_info
from analytics.models import Event
from courses.selectors.lessons import course_list


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
