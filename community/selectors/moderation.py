"""Reads of the community app: querysets with the joins their callers need."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from moderation.models import ModerationItem
from moderation.services import (
    moderation_can_hide,
    moderation_target_describe,
    moderation_targets_prefetch,
)

QUEUE_STATUSES = {
    "pending": [ModerationItem.Status.PENDING],
    "decided": [ModerationItem.Status.APPROVED, ModerationItem.Status.REJECTED],
}


def moderation_queue(*, status: str = "pending", reason: str = "") -> QuerySet[ModerationItem]:
    """Queue items (pending: oldest first; decided: newest decision first) with their target.

    Targets are prefetched per content type: a page costs the same few queries whatever
    mix of reviews, courses and other content it holds.
    """
    items = ModerationItem.objects.filter(status__in=QUEUE_STATUSES.get(status, ["pending"]))
    if reason:
        items = items.filter(reason=reason)
    items = items.select_related("content_type", "decided_by").prefetch_related("target")
    if status == "decided":
        return items.order_by("-decided_at", "-id")
    return items.order_by("created_at", "id")


def moderation_item_get(*, item_id: int) -> ModerationItem:
    """One item with its target (Http404 when there is none)."""
    item = (
        ModerationItem.objects.select_related("content_type", "decided_by")
        .prefetch_related("target")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404("No such moderation item.")
    return item


def moderation_pending_total() -> int:
    return ModerationItem.objects.filter(status=ModerationItem.Status.PENDING).count()


def moderation_queue_rows(items: list[ModerationItem]) -> list[dict[str, Any]]:
    """Each item with what the queue shows of its target (shared by the site and the API)."""
    moderation_targets_prefetch([item.target for item in items])
    return [
        {
            "item": item,
            "target": moderation_target_describe(item.target),
            "can_hide": moderation_can_hide(item.target),
        }
        for item in items
    ]
