"""Admin views of posts and comments: staff read and search them, and hide or publish them
in bulk through the same services as the moderation queue."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from community.models import Comment, ModerationStatus, Post, PostAttachment, PostEdit
from community.services.posts import content_hide, content_keep


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _Content(_ReadOnly):
    actions = ("hide_selected", "publish_selected")

    @admin.action(description=_("Hide the selected content"))
    def hide_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for target in queryset:
            content_hide(target, request.user)
        messages.success(request, _("Hidden."))

    @admin.action(description=_("Publish the selected held content"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for target in queryset.filter(status=ModerationStatus.HELD):
            content_keep(target, request.user)
        messages.success(request, _("Published."))


class AttachmentInline(admin.TabularInline):
    model = PostAttachment
    fields = ("file_name", "content_type", "size", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


class PostEditInline(admin.TabularInline):
    model = PostEdit
    fk_name = "post"
    fields = ("title", "body", "edited_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Post)
class PostAdmin(_Content):
    list_display = ("__str__", "group", "author", "status", "comment_count", "created_at")
    list_filter = ("status", "group__kind")
    list_select_related = ("group", "author")
    search_fields = ("title", "body", "author__email", "group__name")
    raw_id_fields = ("group", "channel", "author")
    inlines = (AttachmentInline, PostEditInline)


@admin.register(Comment)
class CommentAdmin(_Content):
    list_display = ("__str__", "author", "status", "depth", "created_at", "deleted_at")
    list_filter = ("status",)
    list_select_related = ("author",)
    search_fields = ("body", "author__email")
    raw_id_fields = ("post", "parent", "author")
