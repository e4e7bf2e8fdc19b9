from django.contrib import admin
from django.http import HttpRequest

from idempotency.models import IdempotencyRecord


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """Read-only: the stored first answers, for support ("why did my retry say replayed?")."""

    list_display = ("scope", "key", "user", "status_code", "created_at")
    list_filter = ("scope",)
    search_fields = ("key", "user__email")
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
