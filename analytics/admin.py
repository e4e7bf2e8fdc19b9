from django.contrib import admin

from activity.verbs import verb_info
from analytics.models import Event


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
