"""Admin views of the chat's records: read and search them; writes go through the site, the
API and the services (sequence numbers, read states and broadcasts stay right)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from community.models import (
    Block,
    Channel,
    Group,
    GroupMembership,
    Invitation,
    JoinRequest,
    Message,
    ModerationAction,
    Report,
    Sanction,
)
from community.services.sanctions import group_moderation_policy_set, sanction_lift


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ChannelInline(admin.TabularInline):
    model = Channel
    fields = ("name", "slug", "topic", "archived_at", "room")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    """Read-only but for the moderation policy (set through its service)."""

    list_display = ("name", "kind", "visibility", "moderation_policy", "course", "created_at")
    list_filter = ("kind", "visibility", "moderation_policy")
    search_fields = ("name",)
    fields = ("name", "kind", "visibility", "course", "description", "moderation_policy")
    readonly_fields = ("name", "kind", "visibility", "course", "description")
    inlines = (ChannelInline,)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Group, form: Any, change: bool) -> None:
        policy = obj.moderation_policy
        obj.refresh_from_db(fields=["moderation_policy"])
        group_moderation_policy_set(group=obj, by=request.user, policy=policy)


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


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    """The audit log: written by the moderation services only, never edited."""

    list_display = ("created_at", "actor", "action", "target_user", "group", "content_excerpt")
    list_filter = ("action",)
    list_select_related = ("actor", "target_user", "group")
    search_fields = ("note", "content_excerpt", "actor__email", "target_user__email")
    date_hierarchy = "created_at"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "reporter", "reason", "content_type", "object_id", "item")
    list_filter = ("reason",)
    list_select_related = ("reporter", "content_type")
    search_fields = ("text", "reporter__email")


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyAdmin):
    list_display = ("user", "kind", "group", "until", "lifted_at", "created_by", "created_at")
    list_filter = ("kind",)
    list_select_related = ("user", "group", "created_by")
    search_fields = ("user__email", "note")
    actions = ("lift",)

    @admin.action(description="Lift the selected mutes and bans")
    def lift(self, request: HttpRequest, queryset: Any) -> None:
        for sanction in queryset.select_related("user"):
            sanction_lift(sanction=sanction, by=request.user)


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ("group", "user", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("group", "user", "decided_by")
    search_fields = ("group__name", "user__email")
    raw_id_fields = ("group", "user", "decided_by")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("group", "user", "invited_by", "status", "created_at", "expires_at")
    list_filter = ("status",)
    list_select_related = ("group", "user", "invited_by")
    search_fields = ("group__name", "user__email")
    raw_id_fields = ("group", "user", "invited_by")


from community import admin_posts  # noqa: E402, F401 - posts and comments register theirs
