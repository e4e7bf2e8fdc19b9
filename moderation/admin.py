from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kalpla.exceptions import ApplicationError
from moderation import services as moderation
from moderation.models import ModerationItem


@admin.register(ModerationItem)
class ModerationItemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "reason", "score", "source", "status", "created_at", "decided_by")
    list_filter = ("status", "reason", "source", "content_type")
    search_fields = ("object_id", "detail", "decision_note")
    list_select_related = ("content_type", "decided_by")
    readonly_fields = (
        "content_type",
        "object_id",
        "reason",
        "detail",
        "score",
        "labels",
        "source",
        "created_at",
        "decided_by",
        "decided_at",
    )
    actions = ["approve", "reject"]

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[ModerationItem], approve: bool
    ) -> None:
        count = 0
        for item in queryset.filter(status=ModerationItem.Status.PENDING):
            if approve or not moderation.moderation_can_hide(item.target):
                moderation.moderation_decide(item=item, by=request.user, approve=approve)
            else:
                # Rejecting hides the content, as the moderators' queue does.
                try:
                    moderation.moderation_item_hide(item=item, by=request.user)
                except ApplicationError as exc:
                    self.message_user(
                        request,
                        gettext("%(item)s was not hidden: %(reason)s")
                        % {"item": item, "reason": exc.message},
                        level=messages.WARNING,
                    )
                    continue
            count += 1
        self.message_user(request, gettext("%(count)d items decided.") % {"count": count})

    @admin.action(description=_("Approve (content is fine)"))
    def approve(self, request: HttpRequest, queryset: QuerySet[ModerationItem]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Reject and hide the content (it breaks the rules)"))
    def reject(self, request: HttpRequest, queryset: QuerySet[ModerationItem]) -> None:
        self._decide(request, queryset, approve=False)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and "status" in form.changed_data and obj.status != ModerationItem.Status.PENDING:
            moderation.moderation_decide(
                item=obj,
                by=request.user,
                approve=obj.status == ModerationItem.Status.APPROVED,
                note=obj.decision_note,
            )
            return
        super().save_model(request, obj, form, change)
