"""Query parameters of ``GET /api/v1/moderation/items/`` (strict, like every API list)."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from community.selectors import moderation_queue
from community.selectors.moderation import CONTENT_KINDS
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
    group = django_filters.NumberFilter(
        method="filter_by_selector",
        min_value=1,
        help_text=_("Only content of this group (its id)."),
    )
    kind = django_filters.ChoiceFilter(
        method="filter_by_selector",
        choices=[(k, k) for k in CONTENT_KINDS],
        help_text=_("Only this kind of content."),
    )
    score_min = django_filters.NumberFilter(
        method="filter_by_selector",
        min_value=0,
        max_value=1,
        help_text=_("Score at least (0 to 1)."),
    )
    score_max = django_filters.NumberFilter(
        method="filter_by_selector",
        min_value=0,
        max_value=1,
        help_text=_("Score at most (0 to 1)."),
    )

    class Meta:
        model = ModerationItem
        fields = ("status", "reason", "group", "kind", "score_min", "score_max")

    def filter_by_selector(
        self, queryset: QuerySet[ModerationItem], name: str, value: object
    ) -> Any:
        return queryset  # applied by the selector in filter_queryset

    def filter_queryset(self, queryset: QuerySet[ModerationItem]) -> QuerySet[ModerationItem]:
        # The selector owns the queue's order and prefetching; the view's queryset is its
        # default (pending) page.
        data = self.form.cleaned_data
        group = data.get("group")
        return moderation_queue(
            status=data.get("status") or "pending",
            reason=data.get("reason") or "",
            group_id=int(group) if group is not None else None,
            kind=data.get("kind") or "",
            score_min=_float(data.get("score_min")),
            score_max=_float(data.get("score_max")),
        )


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None
