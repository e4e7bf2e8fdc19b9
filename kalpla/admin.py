from django.contrib import admin
from django.http import HttpRequest

from kalpla.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("channel", "to", "title", "created_at")
    list_filter = ("channel",)
    search_fields = ("to", "title", "body", "message_id")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
