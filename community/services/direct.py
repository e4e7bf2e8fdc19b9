"""Direct conversations (1:1 and small groups) and blocks.

Anyone may start a conversation with people they share a group with (so a course's students
and its mentors can always reach each other), staff with anyone. A block in either
direction stops a 1:1 conversation from starting and its messages from being sent; in a
small group a block does not silence the others.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from community.errors import field_error
from community.models import Block, Room, RoomMember
from community.policies import DIRECT_MAX_MEMBERS, direct_can_message
from community.selectors.chat import blocked_either_way, users_share_a_group
from kalpla.exceptions import NotFound, PermissionDenied


def _direct_key(a: int, b: int) -> str:
    return f"{min(a, b)}:{max(a, b)}"


@transaction.atomic
def direct_room_start(*, user: Any, other_ids: list[int]) -> tuple[Room, bool]:
    """The conversation between ``user`` and ``other_ids``: a 1:1 is found again if it
    exists; a group of 3 to 10 is always new. Returns (room, created)."""
    others = sorted(set(other_ids) - {user.pk})
    if not others:
        raise PermissionDenied(_("Choose someone other than yourself."), code="cannot_message")
    if len(others) + 1 > DIRECT_MAX_MEMBERS:
        raise field_error(
            "user_ids",
            _("At most %(n)d people in a conversation.") % {"n": DIRECT_MAX_MEMBERS},
            code="too_many",
        )
    found = list(get_user_model().objects.filter(pk__in=others, is_active=True))
    if len(found) != len(others):
        raise NotFound(_("Some of these people do not exist."), code="user_not_found")
    for other in found:
        allowed = direct_can_message(
            user=user,
            share_a_group=users_share_a_group(user_id=user.pk, other_id=other.pk),
            blocked_either_way=blocked_either_way(user_id=user.pk, other_ids=[other.pk]),
        )
        if not allowed:
            raise PermissionDenied(
                _("You cannot start a conversation with %(name)s.") % {"name": other.display_name},
                code="cannot_message",
            )
    key = _direct_key(user.pk, others[0]) if len(others) == 1 else None
    if key is not None:
        existing = Room.objects.filter(direct_key=key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            room = Room(kind=Room.Kind.DIRECT, direct_key=key)
            room.full_clean(validate_unique=False)
            room.save()
    except IntegrityError:
        return Room.objects.get(direct_key=key), False
    RoomMember.objects.bulk_create(
        [RoomMember(room=room, user_id=uid) for uid in [user.pk, *others]]
    )
    return room, True


@transaction.atomic
def block_create(*, blocker: Any, blocked_id: int) -> Block:
    """``blocker`` stops hearing from ``blocked_id`` in 1:1 conversations; idempotent."""
    if blocker.pk == blocked_id:
        raise PermissionDenied(_("You cannot block yourself."), code="cannot_block")
    if not get_user_model().objects.filter(pk=blocked_id).exists():
        raise NotFound(_("No such person."), code="user_not_found")
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked_id=blocked_id)
    return block


@transaction.atomic
def block_delete(*, blocker: Any, blocked_id: int) -> bool:
    deleted, _counts = Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()
    return bool(deleted)
