"""Reads of the chat: rooms with unread counts, a room's history, the missed messages.

Every list is a fixed number of queries whatever the number of rooms, messages, reactions
and members (guarded by the query-count tests).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.policies import user_is_moderator, user_is_staff
from community.models import (
    Block,
    Channel,
    GroupMembership,
    Message,
    ModerationStatus,
    Reaction,
    Room,
    RoomMember,
)
from community.selectors.moderation import moderation_visible
from kalpla.exceptions import NotFound

HISTORY_PAGE = 50
CATCH_UP_LIMIT = 500
MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger id from a URL or frame matches nothing


def _messages() -> QuerySet[Message]:
    return Message.objects.select_related("author", "parent__author").prefetch_related(
        Prefetch("reactions", queryset=Reaction.objects.order_by("id"))
    )


def room_membership_get(*, room_id: int, user: Any) -> RoomMember:
    """The user's read state in the room with the room (and its channel, group); NotFound
    when the room does not exist or the user may not read it (outsiders must not learn
    which rooms exist)."""
    member = (
        RoomMember.objects.select_related("room", "room__channel", "room__channel__group")
        .filter(room_id=room_id, user_id=user.pk)
        .first()
        if 0 < room_id <= MAX_ID
        else None
    )
    if member is None:
        raise NotFound(_("No such room."), code="room_not_found")
    return member


def room_is_member(*, room_id: int, user_id: int) -> bool:
    if not 0 < room_id <= MAX_ID:
        return False
    return RoomMember.objects.filter(room_id=room_id, user_id=user_id).exists()


def room_member_ids(*, room_id: int) -> list[int]:
    return list(
        RoomMember.objects.filter(room_id=room_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def room_list(*, user: Any) -> QuerySet[RoomMember]:
    """The user's rooms, most recent activity first, each with ``unread`` (messages of
    others after the last one read, tombstones not counted) and the room's channel and
    group; direct rooms carry their members (prefetched)."""
    unread = (
        Message.objects.filter(room_id=OuterRef("room_id"), id__gt=OuterRef("last_read_id"))
        .exclude(author_id=user.pk)
        .filter(deleted_at__isnull=True, status=ModerationStatus.PUBLISHED)
        .order_by()
        .values("room_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        RoomMember.objects.filter(user_id=user.pk)
        .select_related("room", "room__channel", "room__channel__group")
        .prefetch_related(
            Prefetch(
                "room__members",
                # only conversations' people: a course channel may have thousands
                queryset=RoomMember.objects.filter(room__kind=Room.Kind.DIRECT)
                .select_related("user")
                .order_by("user_id"),
                to_attr="all_members",
            )
        )
        .annotate(unread=Subquery(unread))
        .order_by(F("room__last_message_at").desc(nulls_last=True), "-room_id")
    )


def room_unread(*, member: RoomMember) -> int:
    """Others' messages after the member's last read one (tombstones not counted)."""
    return (
        Message.objects.filter(room_id=member.room_id, id__gt=member.last_read_id)
        .exclude(author_id=member.user_id)
        .filter(deleted_at__isnull=True, status=ModerationStatus.PUBLISHED)
        .count()
    )


def room_unread_counts(
    *, room_id: int, user_ids: list[int] | None = None
) -> list[tuple[int, int, int]]:
    """(user id, last read id, unread) for every member of the room (or those of them in
    ``user_ids``), in one query."""
    unread = (
        Message.objects.filter(
            room_id=room_id, id__gt=OuterRef("last_read_id"), deleted_at__isnull=True
        )
        .exclude(author_id=OuterRef("user_id"))
        .order_by()
        .values("room_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    members = RoomMember.objects.filter(room_id=room_id)
    if user_ids is not None:
        members = members.filter(user_id__in=user_ids)
    rows = (
        members.annotate(unread=Subquery(unread))
        .order_by("user_id")
        .values_list("user_id", "last_read_id", "unread")
    )
    return [(user_id, last_read, n or 0) for user_id, last_read, n in rows]


def room_title(member: RoomMember, *, viewer_id: int) -> str:
    """``#general · Python basics`` for a channel; the other people's names for a DM."""
    room = member.room
    if room.kind == Room.Kind.CHANNEL:
        channel: Channel = room.channel
        return f"#{channel.name} · {channel.group.name}"
    members = getattr(room, "all_members", None)
    if members is None:
        members = list(room.members.select_related("user").order_by("user_id"))
    names = [m.user.display_name for m in members if m.user_id != viewer_id]
    return ", ".join(names) or str(member.user.display_name)


def message_history(*, room_id: int, viewer: Any = None) -> QuerySet[Message]:
    """The room's messages ``viewer`` may see (held and hidden ones only for their author and
    moderators; without a viewer only published ones), newest first (paginate with a cursor)."""
    return _messages().filter(_visible(viewer, room_id), room_id=room_id).order_by("-id")


def thread_messages(history: QuerySet[Message], *, thread_id: int) -> QuerySet[Message]:
    """A thread of ``history``: its first message and the replies to it."""
    return history.filter(Q(pk=thread_id) | Q(parent_id=thread_id))


def room_latest_message_id(*, room_id: int) -> int | None:
    return (
        Message.objects.filter(room_id=room_id).order_by("-id").values_list("id", flat=True).first()
    )


def messages_changed_since(
    *, room_id: int, since_seq: int, viewer: Any = None, limit: int = CATCH_UP_LIMIT
) -> list[tuple[Message, bool]]:
    """What a reconnecting client missed: every message made or changed (edited, deleted,
    reacted to, held or hidden) after the room's change ``since_seq``, in change order, as it
    is now, each with whether ``viewer`` may see it (one that left their view is told as
    hidden, so the client drops it)."""
    changed = _messages().filter(room_id=room_id, changed_seq__gt=since_seq)
    visible = set(changed.filter(_visible(viewer, room_id)).values_list("pk", flat=True))
    return [(m, m.pk in visible) for m in changed.order_by("changed_seq")[:limit]]


def messages_after(
    *, room_id: int, after_id: int, limit: int = CATCH_UP_LIMIT, viewer: Any = None
) -> list[Message]:
    """What a reconnecting client missed: messages after ``after_id`` in room order (what
    ``viewer`` may see, as ``message_history``)."""
    messages = _messages().filter(_visible(viewer, room_id), room_id=room_id, id__gt=after_id)
    return list(messages.order_by("id")[:limit])


def _visible(viewer: Any, room_id: int) -> Q:
    if viewer is None:
        return Q(status=ModerationStatus.PUBLISHED)
    return moderation_visible(user=viewer, room_id=room_id)


def message_get(*, message_id: int, user: Any) -> Message:
    """A message of a room the user may read (NotFound otherwise)."""
    if not 0 < message_id <= MAX_ID:
        raise NotFound(_("No such message."), code="message_not_found")
    message = (
        _messages()
        .filter(pk=message_id, room__members__user_id=user.pk)
        .filter(Q(status=ModerationStatus.PUBLISHED) | Q(author_id=user.pk) | _moderates(user))
        .select_related("room")
        .first()
    )
    if message is None:
        raise NotFound(_("No such message."), code="message_not_found")
    return message


def _moderates(user: Any) -> Q:
    """Held and hidden messages are found for site moderators and the group's staff."""
    if user_is_moderator(user):
        return Q(pk__isnull=False)
    return Q(
        room__channel__group__memberships__user_id=user.pk,
        room__channel__group__memberships__role__in=("owner", "moderator"),
    )


def message_payload_get(*, message_id: int) -> Message:
    return _messages().get(pk=message_id)


def group_role(*, room: Room, user_id: int) -> str | None:
    """The user's role in the group of a channel room (None for direct rooms)."""
    channel = getattr(room, "channel", None) if room.kind == Room.Kind.CHANNEL else None
    if channel is None:
        return None
    return (
        GroupMembership.objects.filter(group_id=channel.group_id, user_id=user_id)
        .values_list("role", flat=True)
        .first()
    )


def users_share_a_group(*, user_id: int, other_id: int) -> bool:
    mine = GroupMembership.objects.filter(user_id=user_id).values("group_id")
    return GroupMembership.objects.filter(user_id=other_id, group_id__in=mine).exists()


def blocked_either_way(*, user_id: int, other_ids: list[int]) -> bool:
    return Block.objects.filter(
        Q(blocker_id=user_id, blocked_id__in=other_ids)
        | Q(blocked_id=user_id, blocker_id__in=other_ids)
    ).exists()


def direct_candidates(
    *, user: Any, search: str = "", ids: list[int] | None = None, limit: int = 20
) -> list[Any]:
    """People the user may start a conversation with, by name: those they share a group with
    (course mates and the course's mentors), staff anyone, never someone blocked either way.
    ``ids`` narrows to those people (a submitted choice)."""
    users = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
    if ids is not None:
        users = users.filter(pk__in=[i for i in ids if 0 < i <= MAX_ID])
    if not user_is_staff(user):
        mine = GroupMembership.objects.filter(user_id=user.pk).values("group_id")
        shared = GroupMembership.objects.filter(group_id__in=mine).values("user_id")
        users = users.filter(pk__in=shared)
    elif not search and ids is None:
        return []  # staff reach everyone: only by name
    blocked = Block.objects.filter(Q(blocker_id=user.pk) | Q(blocked_id=user.pk))
    users = users.exclude(pk__in=blocked.values("blocked_id")).exclude(
        pk__in=blocked.values("blocker_id")
    )
    search = search.strip()[:100]
    if search:
        users = users.filter(Q(name__icontains=search) | Q(email__iexact=search))
    return list(users.order_by("name", "pk")[:limit])


def room_people(*, room_id: int) -> QuerySet[RoomMember]:
    """A room's members with their user, by name (paginate)."""
    return (
        RoomMember.objects.filter(room_id=room_id)
        .select_related("user")
        .order_by("user__name", "user_id")
    )


def user_blocks(*, user_id: int, other_id: int) -> bool:
    """Whether ``user_id`` blocked ``other_id`` (one direction)."""
    return Block.objects.filter(blocker_id=user_id, blocked_id=other_id).exists()


def block_list(*, user: Any) -> QuerySet[Block]:
    return Block.objects.filter(blocker_id=user.pk).select_related("blocked").order_by("-id")
