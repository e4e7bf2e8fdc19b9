"""Admin views of the chat's records: read and search them; writes go through the site, the
API and the services (sequence numbers, read states and broadcasts stay right)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from community.models import Block, Channel, Group, GroupMembership, Message


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ChannelInline(admin.TabularInline):
    model = Channel
    fields = ("name", "slug", "topic", "room")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "visibility", "course", "created_at")
    list_filter = ("kind", "visibility")
    search_fields = ("name",)
    raw_id_fields = ("course",)
    inlines = (ChannelInline,)


@admin.register(GroupMembership)
class GroupMembershipAdmin(ReadOnlyAdmin):
    list_display = ("group", "user", "role", "created_at")
    list_filter = ("role",)
    list_select_related = ("group", "user")
    search_fields = ("group__name", "user__email")


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "author", "created_at", "edited_at", "deleted_at")
    list_select_related = ("author",)
    search_fields = ("body", "author__email")
    raw_id_fields = ("room", "author", "parent")


@admin.register(Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ("blocker", "blocked", "created_at")
    list_select_related = ("blocker", "blocked")
    search_fields = ("blocker__email", "blocked__email")


from community import admin_posts  # noqa: E402, F401 - posts and comments register theirs
