"""Chat messages: send, edit, delete, react, mark read. The WebSocket and HTTP both call these.

A message is saved before anyone hears of it: the room's live event goes out when the
transaction commits (``realtime_publish``). Its ``seq`` is the room's next number, taken
under the room row's lock, so concurrent senders get 1, 2, 3... without gaps or repeats, and
ids grow with seq within a room. A send with a ``client_id`` the author already used in the
room returns the stored message instead of storing it twice.

Every change to a room's messages (sent, edited, deleted, a reaction added or taken back)
takes the room's next ``change_seq`` under the same lock and records it on the message
(``changed_seq``): a client that reconnects with the last change it saw gets every message
made or changed since, in order, so edits, deletes and reactions are not lost either.
Members' unread counts are pushed to their own stream (``/ws/me/``) after a message arrives
or is deleted (a Celery task) and after they read.
"""

import copy
import functools
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.tracking import track
from activity.verbs import Verb
from community.api.serializers import message_out
from community.errors import field_error
from community.models import (
    Channel,
    Group,
    Message,
    MessageEdit,
    ModerationStatus,
    Reaction,
    Room,
    RoomMember,
    Sanction,
)
from community.policies import message_can_delete, message_can_edit, room_can_read
from community.realtime import held_publish, hidden_publish, room_publish
from community.selectors.chat import (
    blocked_either_way,
    group_role,
    message_payload_get,
    room_member_ids,
    room_unread,
)
from community.selectors.moderation import room_group_get
from community.services.screening import (
    content_screen,
    sanction_check,
    spam_duplicate_check,
    spam_rate_check,
)
from community.services.unread import room_unread_push_later
from courses.markdown import render_markdown
from kalpla.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from kalpla.realtime import realtime_publish, user_group
from moderation.screening import screening_analyze

MAX_BODY_CHARS = 4000
MAX_CLIENT_ID_CHARS = 64
MAX_EMOJI_CHARS = 32


def message_data(message: Message, *, new: bool = False) -> dict[str, Any]:
    """The message as frames and the history API show it (reactions prefetched or not).
    ``new``: stored in this transaction, so without reactions (see ``message_out``)."""
    return message_out(message, new=new)


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise field_error("body", _("Write a message first."), code="empty")
    if len(body) > MAX_BODY_CHARS:
        raise field_error(
            "body",
            _("Messages are at most %(n)d characters.") % {"n": MAX_BODY_CHARS},
            code="too_long",
        )
    return body


def _publish(message: Message, type: str) -> None:
    """Tell the room, on commit; content held for review reaches only its author's own
    answers (the ack), never the room."""
    fresh = message_payload_get(message_id=message.pk)
    if fresh.status != ModerationStatus.PUBLISHED:
        return
    room_publish(room_id=message.room_id, type=type, payload={"message": message_data(fresh)})


@transaction.atomic
def message_status_set(*, message: Message, status: str) -> Message:
    """A moderator's decision on a message: published (a held one reaches the room now) or
    hidden (it leaves everyone's view but its author's and moderators'). Takes the room's
    next change number, so a client that was away learns it when it resumes."""
    room = _next_change(message.room_id)
    changed = (
        Message.objects.filter(pk=message.pk, deleted_at__isnull=True)
        .exclude(status=status)
        .update(status=status, changed_seq=room.change_seq)
    )
    if not changed:
        transaction.set_rollback(True)  # nothing changed: give the change number back
        return message
    message.status = status
    message.changed_seq = room.change_seq
    if status == ModerationStatus.PUBLISHED:
        _publish(message, "message.new")
        _unread_push_later(message_id=message.pk, room_id=message.room_id)
    else:
        hidden_publish(
            room_id=message.room_id,
            message_id=message.pk,
            seq=message.seq,
            changed_seq=room.change_seq,
        )
    return message


def _next_change(room_id: int) -> Room:
    """Lock the room and take its next change number (the caller saves it on the message)."""
    locked = Room.objects.select_for_update().get(pk=room_id)
    locked.change_seq += 1
    locked.save(update_fields=["change_seq"])
    return locked


def _unread_push_later(*, message_id: int, room_id: int) -> None:
    # Best effort, like the broadcast: a failure (the broker, or Redis for an eager run) is
    # logged, and the change it follows is still answered (the sender's ack), not an error.
    transaction.on_commit(
        lambda: room_unread_push_later(message_id=message_id, room_id=room_id), robust=True
    )


def message_send(
    *,
    room: Room,
    author: Any,
    body: str,
    client_id: str = "",
    parent_id: int | None = None,
) -> tuple[Message, bool]:
    """Store a message in ``room`` and broadcast it on commit. Returns (message, created):
    a repeated ``client_id`` gives back the message stored the first time, unchanged.

    The message is screened (``content_screen``) before it is broadcast: a held one reaches
    only its author (its ``status`` says ``held``). Muted and banned users are refused, and
    the spam limits apply (Throttled, ValidationError ``duplicate``)."""
    client_id = (client_id or "").strip()
    if len(client_id) > MAX_CLIENT_ID_CHARS:
        raise field_error("client_id", _("At most 64 characters."), code="invalid")
    try:
        return _message_send(
            room=room, author=author, body=body, client_id=client_id, parent_id=parent_id
        )
    except IntegrityError:
        # The same client id stored by a send that committed after this one's checks (a
        # retry racing its first try): the rows' unique client ids refused this one's, and
        # its transaction, numbers included, is rolled back. Give back the stored one.
        stored = (
            Message.objects.filter(room_id=room.pk, author_id=author.pk, client_id=client_id)
            .exclude(client_id="")
            .first()
        )
        if stored is None:
            raise
        return stored, False


@transaction.atomic
def _message_send(
    *, room: Room, author: Any, body: str, client_id: str, parent_id: int | None
) -> tuple[Message, bool]:
    checks = _send_checks(room=room, author=author, client_id=client_id)
    if not room_can_read(is_member=checks.is_member):
        raise NotFound(_("No such room."), code="room_not_found")
    body = _clean_body(body)
    _direct_not_blocked(room=room, author=author)
    if checks.archived:
        refusal = _("This channel is archived: it keeps its history but takes no new messages.")
        raise Conflict(refusal, code="channel_archived")
    group = checks.group
    if checks.sanctioned:
        sanction_check(user=author, group_id=group.pk if group else None)
    if checks.stored_id is not None:  # sent before: nothing is stored twice
        return Message.objects.get(pk=checks.stored_id), False
    # Scored before the room's lock is taken: other senders do not wait for the analysis.
    analysis = screening_analyze(text=body)
    # The room's row lock serialises senders: seq numbers are safe. Taken by the statement
    # that moves the room's numbers on (a refused insert gives them back).
    now = timezone.now()
    locked = _next_seq(room, now=now)
    spam_rate_check(user=author, kind="message")
    spam_duplicate_check(user=author, text=body, where="message")
    parent = None
    if parent_id is not None:
        parent = (
            Message.objects.select_related("author").filter(pk=parent_id, room_id=room.pk).first()
        )
        if parent is None:
            raise NotFound(_("No such message in this room."), code="message_not_found")
        # Threads are one level deep: a reply to a reply joins the first message's thread.
        if parent.parent_id is not None:
            parent = Message.objects.select_related("author").get(pk=parent.parent_id)
    message = Message(
        room=locked,
        seq=locked.last_seq,
        changed_seq=locked.change_seq,
        author=author,
        client_id=client_id,
        parent=parent,
        body=body,
        body_html=str(render_markdown(body, min_heading=4)),
    )
    # room, author and parent are rows just read (the room locked): no query per foreign key
    message.full_clean(exclude=["room", "author", "parent"], validate_constraints=False)
    message.save()
    content_screen(target=message, text=body, author=author, group=group, analysis=analysis)
    _read_up_to(room_id=room.pk, user_id=author.pk, message_id=message.pk)  # their own message
    data = message_data(message, new=True)  # its author and parent are rows in hand
    if message.status == ModerationStatus.PUBLISHED:
        room_publish(room_id=room.pk, type="message.new", payload={"message": data})
        _unread_push_later(message_id=message.pk, room_id=message.room_id)
    else:
        held_publish(author_id=author.pk, message=data)
    track(
        actor=author,
        verb=Verb.MESSAGE_SENT,
        object=message,
        context={"room": room.pk, "course": group.course_id if group else None},
    )
    return message, True


@dataclass(frozen=True)
class _SendChecks:
    is_member: bool
    archived: bool
    sanctioned: bool  # some sanction applies (sanction_check then says which)
    group: Group | None
    stored_id: int | None  # the author's message stored with the send's client id


@functools.cache
def _send_checks_sql() -> tuple[str, list[str]]:
    """The statement of ``_send_checks`` (table and column names from the models, every value
    a parameter) and the group's fields it starts with: those screening reads, the others
    deferred (loaded if something asks for them)."""
    q = connection.ops.quote_name
    fields = [
        f for f in Group._meta.concrete_fields if f.name in ("id", "moderation_policy", "course")
    ]
    group_columns = ", ".join(f"g.{q(str(f.column))}" for f in fields)
    sql = (
        f"SELECT {group_columns}, c.archived_at IS NOT NULL"  # noqa: S608
        f", EXISTS (SELECT 1 FROM {q(RoomMember._meta.db_table)} m"
        "   WHERE m.room_id = r.id AND m.user_id = %s)"
        f", EXISTS (SELECT 1 FROM {q(Sanction._meta.db_table)} s"
        "   WHERE s.user_id = %s AND s.lifted_at IS NULL AND (s.until IS NULL OR s.until > %s)"
        "   AND ((s.group_id IS NULL AND s.kind = %s) OR s.group_id = c.group_id))"
        f", (SELECT mm.id FROM {q(Message._meta.db_table)} mm"
        "   WHERE mm.room_id = r.id AND mm.author_id = %s AND mm.client_id = %s LIMIT 1)"
        f" FROM {q(Room._meta.db_table)} r"
        f" LEFT JOIN {q(Channel._meta.db_table)} c ON c.room_id = r.id"
        f" LEFT JOIN {q(Group._meta.db_table)} g ON g.id = c.group_id"
        " WHERE r.id = %s"
    )
    return sql, [f.attname for f in fields]


def _send_checks(*, room: Room, author: Any, client_id: str) -> _SendChecks:
    """What a send must know before it stores anything, in one statement: whether the author
    is a member, the channel archived, a mute or ban in force (the rule of
    ``screening.sanctions_applying``; ``sanction_check`` then says which), and the channel's
    group. Written as SQL: the ORM spent longer building this query (three subqueries) than
    the database took to answer it, on every message sent."""
    sql, group_columns = _send_checks_sql()
    now = timezone.now()
    # no client id: NULL, which equals nothing
    params = [author.pk, author.pk, now, Sanction.Kind.BAN.value, author.pk, client_id or None]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, room.pk])
        row = cursor.fetchone()
    if row is None:
        return _SendChecks(
            is_member=False, archived=False, sanctioned=False, group=None, stored_id=None
        )
    values, (archived, is_member, sanctioned, stored_id) = row[: len(group_columns)], row[-4:]
    group = None
    if values[0] is not None:  # a channel's room: its group
        group = Group.from_db(connection.alias, group_columns, values)
    return _SendChecks(
        is_member=bool(is_member),
        archived=room.kind == Room.Kind.CHANNEL and bool(archived),
        sanctioned=bool(sanctioned),
        group=group,
        stored_id=stored_id,
    )


def _next_seq(room: Room, *, now: Any) -> Room:
    """Lock the room and take its next message and change numbers in one statement; the room
    as it is now (a copy: the caller's instance is left alone)."""
    table = connection.ops.quote_name(Room._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + 1, change_seq = change_seq + 1, "  # noqa: S608 - the table name is the model's
            "last_message_at = %s WHERE id = %s RETURNING last_seq, change_seq",
            [now, room.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound(_("No such room."), code="room_not_found")
    locked = copy.copy(room)
    locked.last_seq, locked.change_seq, locked.last_message_at = row[0], row[1], now
    return locked


@functools.cache
def _read_up_to_sql() -> str:
    """Run on every message sent: written as SQL, as ``_next_seq``, since the ORM spent longer
    building it than the database took to answer it."""
    q = connection.ops.quote_name
    member = {f.name: q(str(f.column)) for f in RoomMember._meta.concrete_fields}
    return (
        f"UPDATE {q(RoomMember._meta.db_table)} SET {member['last_read_id']} = %s"  # noqa: S608
        f" WHERE {member['room']} = %s AND {member['user']} = %s"
    )


def _read_up_to(*, room_id: int, user_id: int, message_id: int) -> None:
    """The member's read marker at ``message_id`` (the message they have just sent)."""
    with connection.cursor() as cursor:
        cursor.execute(_read_up_to_sql(), [message_id, room_id, user_id])


def _direct_not_blocked(*, room: Room, author: Any) -> None:
    if room.kind != Room.Kind.DIRECT:
        return
    others = [uid for uid in room_member_ids(room_id=room.pk) if uid != author.pk]
    if len(others) == 1 and blocked_either_way(user_id=author.pk, other_ids=others):
        raise PermissionDenied(_("You cannot send messages in this conversation."), code="blocked")


@transaction.atomic
def message_edit(*, message: Message, user: Any, body: str) -> Message:
    """Change the text; the earlier text is kept (MessageEdit). Authors only. The new text is
    screened again: held, it leaves the others' view (``message.hidden``)."""
    if not message_can_edit(user=user, author_id=message.author_id):
        raise PermissionDenied(_("Only the author can edit a message."), code="not_author")
    group = room_group_get(room_id=message.room_id)
    sanction_check(user=user, group_id=group.pk if group else None)
    body = _clean_body(body)
    current = Message.objects.get(pk=message.pk)
    if current.is_deleted:
        raise ValidationError(_("A deleted message cannot be edited."), code="deleted")
    if body == current.body:
        return current
    room = _next_change(message.room_id)  # the room first, then the message: one lock order
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.is_deleted:
        raise ValidationError(_("A deleted message cannot be edited."), code="deleted")
    MessageEdit.objects.create(message=locked, body=locked.body)
    locked.body = body
    locked.body_html = str(render_markdown(body, min_heading=4))
    locked.edited_at = timezone.now()
    locked.changed_seq = room.change_seq
    locked.full_clean(validate_constraints=False)
    locked.save(update_fields=["body", "body_html", "edited_at", "changed_seq"])
    was = locked.status
    content_screen(target=locked, text=body, author=user, group=group)
    if locked.status == ModerationStatus.PUBLISHED:
        _publish(locked, "message.edited")
    elif was == ModerationStatus.PUBLISHED:
        hidden_publish(
            room_id=locked.room_id,
            message_id=locked.pk,
            seq=locked.seq,
            changed_seq=locked.changed_seq,
        )
    return locked


@transaction.atomic
def message_delete(*, message: Message, user: Any) -> Message:
    """Soft delete: the message stays as a tombstone in its place; idempotent."""
    role = group_role(room=message.room, user_id=user.pk)
    if not message_can_delete(user=user, author_id=message.author_id, group_role=role):
        raise PermissionDenied(
            _("Only the author or a moderator can delete a message."), code="not_author"
        )
    if Message.objects.filter(pk=message.pk, deleted_at__isnull=False).exists():
        return Message.objects.get(pk=message.pk)
    room = _next_change(message.room_id)
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.is_deleted:  # deleted meanwhile: the change number is spent, no harm
        return locked
    locked.deleted_at = timezone.now()
    locked.changed_seq = room.change_seq
    locked.save(update_fields=["deleted_at", "changed_seq"])
    _publish(locked, "message.deleted")
    _unread_push_later(message_id=locked.pk, room_id=locked.room_id)
    return locked


@transaction.atomic
def reaction_set(*, message: Message, user: Any, emoji: str, on: bool = True) -> Message:
    """Add (``on``) or take back the user's ``emoji`` on the message; idempotent."""
    emoji = (emoji or "").strip()
    if not emoji or len(emoji) > MAX_EMOJI_CHARS:
        raise field_error("emoji", _("Pick one emoji."), code="invalid")
    if message.is_deleted:
        raise ValidationError(_("A deleted message cannot get reactions."), code="deleted")
    group = room_group_get(room_id=message.room_id)
    sanction_check(user=user, group_id=group.pk if group else None)
    room = _next_change(message.room_id)
    if on:
        _reaction, changed = Reaction.objects.get_or_create(message=message, user=user, emoji=emoji)
    else:
        changed = bool(Reaction.objects.filter(message=message, user=user, emoji=emoji).delete()[0])
    if not changed:
        transaction.set_rollback(True)  # nothing changed: give the change number back
        return message
    Message.objects.filter(pk=message.pk).update(changed_seq=room.change_seq)
    _publish(message, "message.reactions")
    return message


@transaction.atomic
def room_mark_read(*, member: RoomMember, message_id: int) -> RoomMember:
    """Move the member's read marker up to ``message_id`` (never back)."""
    if not Message.objects.filter(pk=message_id, room_id=member.room_id).exists():
        raise NotFound(_("No such message in this room."), code="message_not_found")
    moved = RoomMember.objects.filter(pk=member.pk, last_read_id__lt=message_id).update(
        last_read_id=message_id
    )
    member.refresh_from_db(fields=["last_read_id"])
    if moved:
        # The reader's other tabs and devices update the room's badge.
        realtime_publish(
            group=user_group(member.user_id),
            type="room.unread",
            payload={
                "room_id": member.room_id,
                "unread": room_unread(member=member),
                "last_read_id": member.last_read_id,
            },
        )
    return member
