"""Site pages of the chat: /chat/ (my rooms), /chat/<room_id>/ (a room, with a composer
that works without JavaScript; static/js/chat.js adds the live socket on top), /chat/new/
(start a conversation), and the forms behind a message's actions (react, reply, edit,
delete) and a person's block, which the page's script replaces with socket frames.

Opening a room does not mark it read: the page's script sends a ``read`` frame for what was
shown while the page is visible; without the script, "Mark as read" posts to ``chat:read``.
"""

import uuid
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import signed_in_user
from community.api.views_chat import room_row
from community.forms import (
    CHAT_EMOJI,
    ChatEditForm,
    ChatMessageForm,
    ChatReactForm,
    DirectStartForm,
)
from community.live import PRESENCE_HEARTBEAT
from community.policies import DIRECT_MAX_MEMBERS, message_can_edit
from community.selectors import chat as selectors
from community.services.direct import block_create, block_delete, direct_room_start
from community.services.messages import (
    message_delete,
    message_edit,
    message_send,
    reaction_set,
    room_mark_read,
)
from kalpla.errors import service_run
from kalpla.exceptions import PermissionDenied

PAGE = 50


def _rooms(user: Any) -> list[dict[str, Any]]:
    return [room_row(m, viewer_id=user.pk) for m in selectors.room_list(user=user)[:100]]


def _page(room_id: int, before: str, thread: int | None, viewer: Any) -> tuple[list[Any], bool]:
    """The PAGE messages ``viewer`` may see before ``before`` (or the newest), oldest first,
    and whether older ones exist; only one thread's (its first message and the replies) when
    ``thread``."""
    history = selectors.message_history(room_id=room_id, viewer=viewer)
    if thread is not None:
        history = selectors.thread_messages(history, thread_id=thread)
    if before.isdigit():
        history = history.filter(id__lt=int(before))
    rows = list(history[: PAGE + 1])
    return list(reversed(rows[:PAGE])), len(rows) > PAGE


def _with_reactions(messages: list[Any], user_id: int) -> list[Any]:
    """Each message's reactions grouped by emoji, with whether the viewer is among them."""
    for message in messages:
        grouped: dict[str, list[int]] = {}
        for reaction in message.reactions.all():
            grouped.setdefault(reaction.emoji, []).append(reaction.user_id)
        message.reaction_summary = [
            {"emoji": emoji, "count": len(users), "mine": user_id in users}
            for emoji, users in grouped.items()
        ]
    return messages


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 0 < int(value) <= selectors.MAX_ID else None


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
def chat_rooms(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(request, "community/chat.html", {"rooms": _rooms(user), "room": None})


@login_required
def chat_room(
    request: HttpRequest, room_id: int, form: ChatMessageForm | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    # the room (and its change number) before the messages: a catch-up from that number
    # can only bring what the page already shows again, never miss a change
    member = selectors.room_membership_get(room_id=room_id, user=user)
    before = request.GET.get("before", "")
    thread = _int(request.GET.get("thread"))
    messages, has_older = _page(member.room_id, before, thread, user)
    context = {
        # not "messages": that is the name of the site's flash messages in every template
        "chat_messages": _with_reactions(messages, user.pk),
        "has_older": has_older,
        "last_read_id": member.last_read_id,
        "room": member.room,
        "chat_emoji": CHAT_EMOJI,
        "thread": thread,
    }
    if request.GET.get("partial") == "older":  # the page's script loading older messages
        return render(request, "community/_chat_messages.html", context)
    rows = _rooms(user)
    reply_id = _int(request.GET.get("reply")) or thread
    reply_to = next((m for m in messages if m.pk == reply_id), None)
    if form is None:
        form = ChatMessageForm(
            initial={"client_id": uuid.uuid4().hex, "parent_id": reply_to and reply_to.pk}
        )
    row = next((r for r in rows if r["room_id"] == member.room_id), None)
    people = row["members"] if row else []
    others = [p for p in people if p.pk != user.pk]
    other = others[0] if member.room.kind == "direct" and len(others) == 1 else None
    return render(
        request,
        "community/chat.html",
        {
            **context,
            "rooms": rows,
            "title": row["title"] if row else "",
            "unread": row["unread"] if row else 0,
            "form": form,
            "reply_to": reply_to,
            "other": other,
            # a conversation's people by id, so presence can say who is online
            "people_names": {str(p.pk): p.display_name for p in others},
            "other_blocked": other is not None
            and selectors.user_blocks(user_id=user.pk, other_id=other.pk),
            "heartbeat": PRESENCE_HEARTBEAT,
            "history_url": reverse("chat:room", args=[member.room_id]),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def chat_send(request: HttpRequest, room_id: int) -> HttpResponse:
    user = signed_in_user(request)
    member = selectors.room_membership_get(room_id=room_id, user=user)
    form = ChatMessageForm(request.POST)
    if form.is_valid():
        outcome = service_run(
            request,
            lambda: message_send(
                room=member.room,
                author=user,
                body=form.cleaned_data["body"],
                client_id=form.cleaned_data["client_id"],
                parent_id=form.cleaned_data["parent_id"],
            ),
            form=form,
            raises=(),  # a block or a vanished thread is said next to the composer
        )
        if outcome.ok and outcome.value is not None:
            message, _created = outcome.value
            return redirect(reverse("chat:room", args=[room_id]) + f"#message-{message.pk}")
    return chat_room(request, room_id, form=form)


@login_required
@require_POST
def chat_read(request: HttpRequest, room_id: int) -> HttpResponse:
    """Mark the room read up to its latest message (the page's "Mark as read")."""
    user = signed_in_user(request)
    member = selectors.room_membership_get(room_id=room_id, user=user)
    latest = selectors.room_latest_message_id(room_id=member.room_id)
    if latest:
        room_mark_read(member=member, message_id=latest)
    return redirect("chat:room", room_id=member.room_id)


@login_required
def chat_new(request: HttpRequest) -> HttpResponse:
    """Start a conversation: find people by name, pick one (1:1) or up to nine (a group)."""
    user = signed_in_user(request)
    search = request.GET.get("q", "").strip()
    if request.method == "POST":
        posted = [i for i in (_int(v) for v in request.POST.getlist("user_ids")) if i]
        chosen = selectors.direct_candidates(user=user, ids=posted, limit=DIRECT_MAX_MEMBERS)
        form = DirectStartForm(request.POST, choices=[(p.pk, p.display_name) for p in chosen])
        if form.is_valid():
            outcome = service_run(
                request,
                lambda: direct_room_start(user=user, other_ids=form.cleaned_data["user_ids"]),
                form=form,
                raises=(),
            )
            if outcome.ok and outcome.value is not None:
                room, _created = outcome.value
                return redirect("chat:room", room_id=room.pk)
        people = chosen
    else:
        people = selectors.direct_candidates(user=user, search=search)
        form = DirectStartForm(choices=[(p.pk, p.display_name) for p in people])
    return render(
        request,
        "community/chat_new.html",
        {
            "form": form,
            "people": people,
            "q": search,
            "max_others": DIRECT_MAX_MEMBERS - 1,
            "blocks": selectors.block_list(user=user)[:50],
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def chat_block(request: HttpRequest, user_id: int) -> HttpResponse:
    """Block (``action=block``) or unblock (``action=unblock``) someone."""
    user = signed_in_user(request)
    if request.POST.get("action") == "unblock":
        service_run(
            request,
            lambda: block_delete(blocker=user, blocked_id=user_id),
            success=_("Unblocked. They can write to you again."),
        )
    else:
        service_run(
            request,
            lambda: block_create(blocker=user, blocked_id=user_id),
            success=_("Blocked. Neither of you can write to the other one to one."),
            raises=(),
        )
    return redirect(_back(request, reverse("chat:rooms")))


def _room_url(message: Any) -> str:
    return reverse("chat:room", args=[message.room_id]) + f"#message-{message.pk}"


@login_required
def chat_message_edit(request: HttpRequest, message_id: int) -> HttpResponse:
    user = signed_in_user(request)
    message = selectors.message_get(message_id=message_id, user=user)
    if not message_can_edit(user=user, author_id=message.author_id):
        raise PermissionDenied(_("Only the author can edit a message."), code="not_author")
    if request.method == "POST":
        form = ChatEditForm(request.POST)
        if form.is_valid():
            outcome = service_run(
                request,
                lambda: message_edit(message=message, user=user, body=form.cleaned_data["body"]),
                form=form,
            )
            if outcome.ok:
                return redirect(_room_url(message))
    else:
        form = ChatEditForm(initial={"body": message.body})
    return render(
        request,
        "community/chat_edit.html",
        {"form": form, "chat_message": message, "room_url": _room_url(message)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def chat_message_delete(request: HttpRequest, message_id: int) -> HttpResponse:
    user = signed_in_user(request)
    message = selectors.message_get(message_id=message_id, user=user)
    service_run(request, lambda: message_delete(message=message, user=user))
    return redirect(_room_url(message))


@login_required
@require_POST
def chat_message_react(request: HttpRequest, message_id: int) -> HttpResponse:
    user = signed_in_user(request)
    message = selectors.message_get(message_id=message_id, user=user)
    form = ChatReactForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Pick one emoji."))
    else:
        service_run(
            request,
            lambda: reaction_set(
                message=message,
                user=user,
                emoji=form.cleaned_data["emoji"],
                on=form.cleaned_data["on"],
            ),
            raises=(),
        )
    return redirect(_room_url(message))
