"""Moderators' actions and what they enforce: approve, hide, delete, warn the author, mute in
a group, ban from a group or the site. Every action writes one audit row
(``ModerationAction``: who, what, when, why, on which content, about whom) and tells the
author (``notify``, kind ``community.moderation``).

Enforcement is ``screening.sanction_check``: the chat services (and posts) call it before
anyone posts, sends or reacts, so HTTP and the WebSocket refuse alike. A group ban also takes
the user out of the group (their open sockets there close with 4403); a site ban deactivates
the account (no sign-in), ends its sessions and API tokens and closes its chat sockets.
"""

from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policies import user_is_moderator
from accounts.services import user_deactivate, user_reactivate
from community.models import (
    Group,
    GroupMembership,
    Message,
    ModerationAction,
    ModerationStatus,
    RoomMember,
    Sanction,
)
from community.realtime import kick_publish
from community.services.groups import group_member_remove
from community.services.messages import message_delete, message_status_set
from community.services.moderation import moderation_item_decide
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from moderation.models import ModerationItem
from moderation.services import (
    ModerationTarget,
    moderation_register,
    moderation_target_describe,
)

Action = ModerationAction.Action
MAX_MUTE_DAYS = 365
EXCERPT = 300


# --- the audit log ----------------------------------------------------------------------------


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def audit_record(
    *,
    actor: Any,
    action: str,
    note: str = "",
    target: models.Model | None = None,
    target_user: Any = None,
    group: Group | None = None,
    item: ModerationItem | None = None,
    until: Any = None,
) -> ModerationAction:
    described = moderation_target_describe(target) if target is not None else None
    row = ModerationAction(
        actor=actor,
        action=action,
        note=note,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=str(target.pk) if target is not None else "",
        content_excerpt=_excerpt(described.text or described.title) if described else "",
        target_user=target_user,
        group=group,
        item=item,
        until=until,
    )
    row.full_clean(exclude=["content_type", "item", "group", "target_user", "actor"])
    row.save()
    return row


def _tell_author(*, row: ModerationAction, url: str) -> None:
    from notifications.services.notify import notify  # avoids an import cycle at start-up

    user = row.target_user
    if user is None:
        return
    notify(
        recipients=[user],
        kind="community.moderation",
        context={
            "action": row.action,
            "action_label": str(row.get_action_display()),
            "note": row.note,
            "content_excerpt": row.content_excerpt,
            "group_name": row.group.name if row.group else "",
            "until": row.until.isoformat() if row.until else "",
        },
        url=url,
        dedupe_key=f"community.moderation:{row.pk}",
    )


# --- chat messages as moderation targets -------------------------------------------------------


def message_keep(message: Message, by: Any) -> None:
    """Approved: a held message is published and reaches the room now."""
    message_status_set(message=message, status=ModerationStatus.PUBLISHED)


def message_hide(message: Message, by: Any) -> None:
    """Hidden: gone for everyone but its author and moderators (``message.hidden`` frame)."""
    message_status_set(message=message, status=ModerationStatus.HIDDEN)


def message_describe(message: Message) -> ModerationTarget:
    room = message.room
    channel = getattr(room, "channel", None) if room.kind == "channel" else None
    if channel is not None:
        title = _("Message in #%(channel)s · %(group)s") % {
            "channel": channel.name,
            "group": channel.group.name,
        }
    else:
        title = _("Message in a direct conversation")
    return ModerationTarget(
        kind="message",
        title=title,
        text=message.body if not message.is_deleted else _("This message was deleted."),
        url=reverse("chat:room", args=[message.room_id]) + f"#message-{message.pk}",
        # moderators are not members of the room: the message among its neighbours
        moderator_url=reverse("community:moderation_message_context", args=[message.pk])
        + f"#message-{message.pk}",
        author=message.author,
    )


def register() -> None:
    moderation_register(
        Message,
        describe=message_describe,
        hide=message_hide,
        keep=message_keep,
        related=("author", "room__channel__group"),
    )


def _content_group(target: Any, item: ModerationItem | None) -> Group | None:
    context = item.context if item is not None else ""
    if context.startswith("group:"):
        return Group.objects.filter(pk=int(context.split(":", 1)[1])).first()
    if isinstance(target, Message):
        return Group.objects.filter(channels__room_id=target.room_id).first()
    return None


def _author(target: Any) -> Any:
    if target is None:
        return None
    return moderation_target_describe(target).author


# --- the actions -------------------------------------------------------------------------------


def _require_moderator(by: Any) -> None:
    if not user_is_moderator(by):
        raise PermissionDenied(
            _("Only moderators can act on reported or flagged content."), code="not_moderator"
        )


@transaction.atomic
def moderation_act(
    *,
    item: ModerationItem,
    by: Any,
    action: str,
    note: str = "",
    days: int | None = None,
) -> ModerationAction:
    """Apply ``action`` to the queue item's content or author; returns the audit row.

    approve / hide / delete settle the item (Conflict when already decided); warn, mute
    (``days``, none: until lifted) and the bans act on the author and leave the item as it is.
    """
    _require_moderator(by)
    if action not in Action.values:
        message = _("Choose one of: %(actions)s.") % {"actions": ", ".join(Action.values)}
        raise ValidationError(message, code="invalid", errors={"action": [message]})
    target = item.target
    author = _author(target)
    group = _content_group(target, item)
    note = (note or "").strip()
    if action == Action.APPROVE:
        moderation_item_decide(item=item, by=by, action="approve", note=note)
    elif action == Action.HIDE:
        moderation_item_decide(item=item, by=by, action="hide", note=note)
    elif action == Action.DELETE:
        _delete(item=item, target=target, by=by, note=note)
    else:
        if author is None:
            raise ValidationError(_("This content has no author to act on."), code="no_author")
        if author.pk == by.pk:
            raise ValidationError(_("You cannot sanction yourself."), code="self")
    until = None
    if action == Action.MUTE:
        until = _mute(user=author, group=group, by=by, note=note, days=days)
    elif action == Action.BAN_GROUP:
        _ban_group(user=author, group=group, by=by, note=note)
    elif action == Action.BAN_SITE:
        _ban_site(user=author, by=by, note=note)
    row = audit_record(
        actor=by,
        action=action,
        note=note,
        target=target,
        target_user=author,
        group=group,
        item=item,
        until=until,
    )
    if author is not None and author.pk != by.pk:
        row_id = row.pk
        url = "" if action in (Action.HIDE, Action.DELETE) else _target_url(target)
        transaction.on_commit(lambda: _tell_author(row=_audit_get(row_id), url=url))
    return row


def _target_url(target: Any) -> str:
    return moderation_target_describe(target).url if target is not None else ""


def _audit_get(row_id: int) -> ModerationAction:
    return ModerationAction.objects.select_related("target_user", "group").get(pk=row_id)


def _delete(*, item: ModerationItem, target: Any, by: Any, note: str) -> None:
    if not isinstance(target, Message):
        raise ValidationError(
            _("Only chat messages and posts can be deleted here; hide this content instead."),
            code="cannot_delete",
        )
    locked = ModerationItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != ModerationItem.Status.PENDING:
        raise Conflict(
            _("Another moderator has already decided on this item."), code="already_decided"
        )
    message_delete(message=target, user=by)
    # Deleted content is hidden too: the decision settles every pending item about it.
    moderation_item_decide(item=locked, by=by, action="hide", note=note)


def _need_group(group: Group | None) -> Group:
    if group is None:
        raise ValidationError(
            _("This content is not in a group: mute or ban from the site instead."),
            code="no_group",
        )
    return group


def _mute(*, user: Any, group: Group | None, by: Any, note: str, days: int | None) -> Any:
    group = _need_group(group)
    if days is not None and not 1 <= days <= MAX_MUTE_DAYS:
        raise ValidationError(
            _("Mute for 1 to 365 days."), code="invalid", errors={"days": [_("1 to 365.")]}
        )
    until = timezone.now() + timedelta(days=days) if days else None
    sanction = Sanction(
        user=user, kind=Sanction.Kind.MUTE, group=group, until=until, note=note, created_by=by
    )
    sanction.full_clean()
    sanction.save()
    return until


def _ban_group(*, user: Any, group: Group | None, by: Any, note: str) -> None:
    group = _need_group(group)
    Sanction.objects.create(
        user=user, kind=Sanction.Kind.BAN, group=group, note=note, created_by=by
    )
    group_member_remove(group=group, user_id=user.pk)


def _ban_site(*, user: Any, by: Any, note: str) -> None:
    if user_is_moderator(user) and not getattr(by, "is_superuser", False):
        raise PermissionDenied(
            _("A moderator cannot be banned from the site here; ask an administrator."),
            code="moderator",
        )
    Sanction.objects.create(user=user, kind=Sanction.Kind.BAN, note=note, created_by=by)
    user_deactivate(user=user)
    # Their open chat sockets close (4403) wherever they are.
    for room_id in RoomMember.objects.filter(user_id=user.pk).values_list("room_id", flat=True):
        kick_publish(user_id=user.pk, room_id=room_id)


@transaction.atomic
def sanction_lift(*, sanction: Sanction, by: Any) -> Sanction:
    """End a mute or ban early (a lifted site ban reactivates the account)."""
    _require_moderator(by)
    if sanction.lifted_at is None:
        sanction.lifted_at = timezone.now()
        sanction.save(update_fields=["lifted_at"])
        if sanction.kind == Sanction.Kind.BAN and sanction.group_id is None:
            user_reactivate(user=sanction.user)
    return sanction


@transaction.atomic
def group_moderation_policy_set(*, group: Group, by: Any, policy: str) -> Group:
    """Owners of the group (and the site's moderators) choose pre- or post-moderation."""
    is_owner = GroupMembership.objects.filter(
        group=group, user_id=by.pk, role=GroupMembership.Role.OWNER
    ).exists()
    if not (is_owner or user_is_moderator(by)):
        raise PermissionDenied(
            _("Only the group's owners can change its moderation."), code="not_owner"
        )
    if policy not in Group.ModerationPolicy.values:
        raise ValidationError(
            _("Choose post or pre."), code="invalid", errors={"moderation_policy": ["post|pre"]}
        )
    if group.moderation_policy != policy:
        group.moderation_policy = policy
        group.save(update_fields=["moderation_policy"])
    return group
