"""Reads of the community app: querysets with the joins their callers need."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.policies import user_is_moderator
from community.models import (
    Group,
    GroupMembership,
    Message,
    ModerationAction,
    ModerationStatus,
    Report,
    Sanction,
)
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


# The queue's "content type" filter: name -> (app label, model).
CONTENT_KINDS = {
    "message": ("community", "message"),
    "review": ("courses", "review"),
    "course": ("courses", "course"),
}


def moderation_queue(
    *,
    status: str = "pending",
    reason: str = "",
    group_id: int | None = None,
    kind: str = "",
    score_min: float | None = None,
    score_max: float | None = None,
) -> QuerySet[ModerationItem]:
    """Queue items (pending: oldest first; decided: newest decision first) with their target.

    Filters: reason, the group the content lives in, the content's kind (``CONTENT_KINDS``),
    a score range. Targets are prefetched per content type: a page costs the same few queries
    whatever mix of reviews, courses and other content it holds.
    """
    items = ModerationItem.objects.filter(status__in=QUEUE_STATUSES.get(status, ["pending"]))
    if reason:
        items = items.filter(reason=reason)
    if group_id is not None:
        items = items.filter(context=f"group:{group_id}")
    if kind in CONTENT_KINDS:
        app_label, model = CONTENT_KINDS[kind]
        items = items.filter(content_type__app_label=app_label, content_type__model=model)
    if score_min is not None:
        items = items.filter(score__gte=score_min)
    if score_max is not None:
        items = items.filter(score__lte=score_max)
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


MESSAGE_CONTEXT = 5


def moderation_message_context(
    *, message_id: int, around: int = MESSAGE_CONTEXT
) -> tuple[Message, list[Message]]:
    """A chat message that is in the moderation queue (flagged or reported) and the
    ``around`` messages before and after it in its room, oldest first: what a moderator, who
    is not a member of the room, reads to judge it. Http404 for a message the queue never
    had, so the page opens no conversation that nobody reported. Four queries."""
    in_queue = ModerationItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Message), object_id=str(message_id)
    ).exists()
    message = (
        Message.objects.select_related("author", "room__channel__group")
        .filter(pk=message_id)
        .first()
        if in_queue
        else None
    )
    if message is None:
        raise Http404("No such message in the moderation queue.")
    rows = Message.objects.filter(room_id=message.room_id).select_related("author")
    before = list(rows.filter(seq__lt=message.seq).order_by("-seq")[:around])
    after = list(rows.filter(seq__gt=message.seq).order_by("seq")[:around])
    return message, [*reversed(before), message, *after]


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


def room_group_get(*, room_id: int) -> Group | None:
    """The group of a channel's room (None for a direct conversation)."""
    return Group.objects.filter(channels__room_id=room_id).first()


def moderation_visible(*, user: Any, room_id: int | None = None) -> Q:
    """What of a room's content ``user`` sees: everything for the site's moderators and the
    group's owners and moderators, else published content and their own."""
    if user_is_moderator(user):
        return Q()
    if room_id is not None and (
        GroupMembership.objects.filter(
            group__channels__room_id=room_id,
            user_id=user.pk,
            role__in=(GroupMembership.Role.OWNER, GroupMembership.Role.MODERATOR),
        ).exists()
    ):
        return Q()
    return Q(status=ModerationStatus.PUBLISHED) | Q(author_id=user.pk)


def queue_groups() -> QuerySet[Group]:
    """The groups the queue can be filtered by (those with queued content)."""
    contexts = ModerationItem.objects.filter(context__startswith="group:").values("context")
    ids = {int(c.split(":", 1)[1]) for c in contexts.values_list("context", flat=True)}
    return Group.objects.filter(pk__in=ids).order_by("name")


def audit_log(
    *, actor_id: int | None = None, target_user_id: int | None = None, action: str = ""
) -> QuerySet[ModerationAction]:
    """The moderators' audit log, newest first, with who, whom, where and the content type."""
    rows = ModerationAction.objects.select_related(
        "actor", "target_user", "group", "content_type"
    ).order_by("-created_at", "-id")
    if actor_id is not None:
        rows = rows.filter(actor_id=actor_id)
    if target_user_id is not None:
        rows = rows.filter(target_user_id=target_user_id)
    if action:
        rows = rows.filter(action=action)
    return rows


def report_list_mine(*, user: Any) -> QuerySet[Report]:
    if user is None:
        return Report.objects.none()
    return Report.objects.filter(reporter_id=user.pk).select_related("content_type")


def group_for_policy(*, group_id: int, user: Any) -> Group:
    """The group whose moderation the user may see (a member or a site moderator)."""
    groups = Group.objects.all()
    if not user_is_moderator(user):
        groups = groups.filter(memberships__user_id=user.pk)
    group = groups.filter(pk=group_id).first() if 0 < group_id < 2**63 else None
    if group is None:
        raise Http404("No such group.")
    return group


def banned_user_ids(*, group_id: int, user_ids: Any = None) -> set[int]:
    """Who is banned from the group (or from the site) now: they are not let back in, by a
    join, a request, an invitation or their enrollment."""
    active = Q(lifted_at__isnull=True) & (Q(until__isnull=True) | Q(until__gt=timezone.now()))
    where = Q(kind=Sanction.Kind.BAN) & (Q(group_id=group_id) | Q(group__isnull=True))
    bans = Sanction.objects.filter(active, where)
    if user_ids is not None:
        bans = bans.filter(user_id__in=list(user_ids))
    return set(bans.values_list("user_id", flat=True))
