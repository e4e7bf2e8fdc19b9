"""Query parameters of ``GET /api/v1/moderation/items/`` (strict, like every API list)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from community.selectors import moderation_queue
from moderation.models import ModerationItem

STATUS_CHOICES = [("pending", _("Pending")), ("decided", _("Decided"))]


class ModerationQueueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES,
        help_text=_("pending (default, oldest first) or decided (newest decision first)."),
    )
    reason = django_filters.ChoiceFilter(
        choices=ModerationItem.Reason.choices, help_text=_("Only items flagged for this reason.")
    )

    class Meta:
        model = ModerationItem
        fields = ("status", "reason")

    def filter_queryset(self, queryset: QuerySet[ModerationItem]) -> QuerySet[ModerationItem]:
        # The selector owns the queue's order and prefetching; the view's queryset is its
        # default (pending) page.
        data = self.form.cleaned_data
        return moderation_queue(
            status=data.get("status") or "pending", reason=data.get("reason") or ""
        )
