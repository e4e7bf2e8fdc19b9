"""The human moderation queue: automatic checks and user reports put items here."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moderation.models import ModerationItem


def moderation_flag(
    *,
    target: models.Model,
    reason: str,
    detail: str = "",
    score: float | None = None,
    labels: list[Any] | None = None,
    source: str = "auto",
    context: str = "",
) -> ModerationItem:
    """Queue ``target`` for review; one pending item per target and reason. ``context`` says
    where the content lives (``group:12``) for the queue's filters."""
    content_type = ContentType.objects.get_for_model(target)
    lookup = {"content_type": content_type, "object_id": str(target.pk), "reason": reason}
    existing = ModerationItem.objects.filter(**lookup, status=ModerationItem.Status.PENDING).first()
    if existing is not None:
        return existing
    item = ModerationItem(
        **lookup, detail=detail, score=score, labels=labels or [], source=source, context=context
    )
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
    """Record the decision; keeping content also runs its app's ``keep`` (a cover waiting for
    review goes up)."""
    if approve and item.target is not None:
        handler = _HANDLERS.get(type(item.target))
        if handler is not None and handler.keep is not None:
            handler.keep(item.target, by)
    item.status = ModerationItem.Status.APPROVED if approve else ModerationItem.Status.REJECTED
    item.decided_by = by
    item.decided_at = timezone.now()
    item.decision_note = note
    item.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return item


# --- what a moderator sees of a flagged thing, and how it is hidden ----------------------------
#
# Each app registers the models it lets moderators act on (in its AppConfig.ready):
#
#     moderation_register(Review, describe=review_describe, hide=review_hide_for_moderation)
#
# ``describe(target)`` says what to show in the queue; ``hide(target, by)`` takes the content
# out of sight (a hidden review, a removed cover) when a moderator rejects it; the optional
# ``keep(target, by)`` publishes content held back until a person cleared it (a new cover).


@dataclass(frozen=True)
class ModerationTarget:
    kind: str
    title: str
    text: str = ""
    url: str = ""
    image_url: str = ""
    author: Any = None
    # where moderators read it, when they cannot open ``url`` (a chat room they are not in)
    moderator_url: str = ""

    @property
    def queue_url(self) -> str:
        return self.moderator_url or self.url


@dataclass(frozen=True)
class _Handler:
    describe: Callable[[Any], ModerationTarget]
    hide: Callable[[Any, Any], None]
    related: tuple[str, ...] = ()
    keep: Callable[[Any, Any], None] | None = None


_HANDLERS: dict[type[models.Model], _Handler] = {}


def moderation_register(
    model: type[models.Model],
    *,
    describe: Callable[[Any], ModerationTarget],
    hide: Callable[[Any, Any], None],
    related: tuple[str, ...] = (),
    keep: Callable[[Any, Any], None] | None = None,
) -> None:
    """``related``: the relations ``describe`` reads, loaded in bulk for a page of targets."""
    _HANDLERS[model] = _Handler(describe=describe, hide=hide, related=related, keep=keep)


def moderation_targets_prefetch(targets: list[Any]) -> None:
    """Load what describing ``targets`` reads, one query per relation and model."""
    by_model: dict[type[models.Model], list[Any]] = {}
    for target in targets:
        if target is not None and type(target) in _HANDLERS:
            by_model.setdefault(type(target), []).append(target)
    for model, objects in by_model.items():
        if _HANDLERS[model].related:
            models.prefetch_related_objects(objects, *_HANDLERS[model].related)


def moderation_target_describe(target: models.Model | None) -> ModerationTarget:
    """What the queue shows of ``target`` (a gone target says so)."""
    if target is None:
        return ModerationTarget(kind="gone", title=str(_("This content no longer exists.")))
    handler = _HANDLERS.get(type(target))
    if handler is None:
        return ModerationTarget(kind=target._meta.model_name or "", title=str(target))
    return handler.describe(target)


def moderation_can_hide(target: models.Model | None) -> bool:
    return target is not None and type(target) in _HANDLERS


@transaction.atomic
def moderation_item_hide(*, item: ModerationItem, by: Any, note: str = "") -> ModerationItem:
    """Reject the item: its content is hidden by its app, and the decision recorded."""
    target = item.target
    if target is not None:
        handler = _HANDLERS.get(type(target))
        if handler is None:
            raise ValueError(f"No moderation handler for {type(target).__name__}.")
        handler.hide(target, by)
    decided = moderation_decide(item=item, by=by, approve=False, note=note)
    # Other pending items about the same content are settled by the same decision.
    ModerationItem.objects.filter(
        content_type_id=item.content_type_id,
        object_id=item.object_id,
        status=ModerationItem.Status.PENDING,
    ).update(
        status=ModerationItem.Status.REJECTED,
        decided_by=by,
        decided_at=decided.decided_at,
        decision_note=note,
    )
    return decided


def moderation_targets() -> dict[type[models.Model], _Handler]:
    return dict(_HANDLERS)
