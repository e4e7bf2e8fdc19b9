"""Site pages of the chat: /chat/ (my rooms) and /chat/<room_id>/ (a room, with a composer
that works without JavaScript; static/js/chat.js adds the live socket on top)."""

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.selectors import signed_in_user
from community.api.views_chat import room_row
from community.forms import ChatMessageForm
from community.live import PRESENCE_HEARTBEAT
from community.selectors import chat as selectors
from community.services.messages import message_send, room_mark_read
from kalpla.errors import service_run

PAGE = 50


def _rooms(user: Any) -> list[dict[str, Any]]:
    return [room_row(m, viewer_id=user.pk) for m in selectors.room_list(user=user)[:100]]


@login_required
def chat_rooms(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(request, "community/chat.html", {"rooms": _rooms(user), "room": None})


def _page(room_id: int, before: str, viewer: Any) -> tuple[list[Any], bool]:
    """The PAGE messages before ``before`` (or the newest), oldest first, and whether older
    ones exist."""
    history = selectors.message_history(room_id=room_id, viewer=viewer)
    if before.isdigit():
        history = history.filter(id__lt=int(before))
    rows = list(history[: PAGE + 1])
    return list(reversed(rows[:PAGE])), len(rows) > PAGE


@login_required
def chat_room(
    request: HttpRequest, room_id: int, form: ChatMessageForm | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    member = selectors.room_membership_get(room_id=room_id, user=user)
    before = request.GET.get("before", "")
    messages, has_older = _page(member.room_id, before, user)
    context = {
        # not "messages": that is the name of the site's flash messages in every template
        "chat_messages": messages,
        "has_older": has_older,
        "last_read_id": member.last_read_id,
        "room": member.room,
    }
    if request.GET.get("partial") == "older":  # the page's script loading older messages
        return render(request, "community/_chat_messages.html", context)
    if messages and not before:
        room_mark_read(member=member, message_id=messages[-1].pk)
    rows = _rooms(user)
    return render(
        request,
        "community/chat.html",
        {
            **context,
            "rooms": rows,
            "title": next((r["title"] for r in rows if r["room_id"] == member.room_id), ""),
            "form": form or ChatMessageForm(initial={"client_id": uuid.uuid4().hex}),
            "heartbeat": PRESENCE_HEARTBEAT,
            "history_url": reverse("chat:room", args=[member.room_id]),
        },
        status=400 if form is not None else 200,
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
            ),
            form=form,
        )
        if outcome.ok:
            return redirect(reverse("chat:room", args=[room_id]) + "#composer")
    return chat_room(request, room_id, form=form)
