"""The human moderation queue: automatic checks and user reports put items here."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from kalpla.models import ModerationItem


def moderation_flag(
    *,
    target: models.Model,
    reason: str,
    detail: str = "",
    score: float | None = None,
    labels: list[Any] | None = None,
    source: str = "auto",
) -> ModerationItem:
    """Queue ``target`` for review; one pending item per target and reason."""
    content_type = ContentType.objects.get_for_model(target)
    lookup = {"content_type": content_type, "object_id": str(target.pk), "reason": reason}
    existing = ModerationItem.objects.filter(**lookup, status=ModerationItem.Status.PENDING).first()
    if existing is not None:
        return existing
    item = ModerationItem(**lookup, detail=detail, score=score, labels=labels or [], source=source)
    item.full_clean(exclude=["content_type"])
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        # Another worker flagged the same thing at the same moment.
        return ModerationItem.objects.get(**lookup, status=ModerationItem.Status.PENDING)
    return item


def moderation_decide(
    *, item: ModerationItem, by: Any, approve: bool, note: str = ""
) -> ModerationItem:
    item.status = ModerationItem.Status.APPROVED if approve else ModerationItem.Status.REJECTED
    item.decided_by = by
    item.decided_at = timezone.now()
    item.decision_note = note
    item.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return item


def moderation_pending_count() -> int:
    return ModerationItem.objects.filter(status=ModerationItem.Status.PENDING).count()
