"""Unread counts pushed live: after a message arrives in a room or is deleted, every member
hears their unread count there on their own stream (``/ws/me/``, ``room.unread``), so room
lists and app badges follow without polling. Runs on Celery after the commit (thin task
below); reading pushes the reader's own count at once (``services.messages.room_mark_read``).

A busy room does not queue a push per message: ``room_unread_push_later`` queues the
room's push to run ``PUSH_DELAY`` seconds later, and a message the same process commits
before then rides on it (the push counts what is committed when it runs). Each process
keeps its own note of what it queued, so this costs no round trip; a note is trusted only
until ``_CLOCK_MARGIN`` before the push is due, for clock differences between the process
and the worker. Run eagerly (tests, the embedded default) every message pushes at once.

A chat socket's sends run their pushes in the server process instead (``unread_pushes_kept``
hands them to the socket, ``room_unread_push_soon`` runs them in its event loop): the push
is part of live delivery, and a Celery task for it cost a worker more than the push itself.
"""

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from weakref import WeakKeyDictionary

from celery import shared_task
from channels.db import database_sync_to_async

from community.models import Message
from community.selectors.chat import room_member_ids, room_unread_counts
from kalpla.realtime import frame, realtime_send_many, user_group
from kalpla.streams import streams_open

PUSH_DELAY = 0.5  # seconds: a busy room's members hear their counts at most about twice a second
_CLOCK_MARGIN = 0.1  # seconds before a queued push is due that it stops covering new messages
_KEPT_NOTES = 10_000  # rooms whose notes a process keeps before it forgets the lapsed ones

logger = logging.getLogger(__name__)

_queued: dict[int, float] = {}  # room id -> until when the push this process queued covers it
_queued_lock = threading.Lock()

# The pushes of the messages committed in an ``unread_pushes_kept`` block: (message, room).
_kept: ContextVar[list[tuple[int, int]] | None] = ContextVar("unread_pushes_kept", default=None)

# Per event loop: room id -> the newest message id of a push scheduled and not started.
_scheduled: "WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, int]]" = WeakKeyDictionary()
_running: set["asyncio.Task[None]"] = set()  # pushes under way (the loop keeps weak references)


@contextlib.contextmanager
def unread_pushes_kept() -> Iterator[list[tuple[int, int]]]:
    """Within the block the unread pushes of committed messages are kept in the list it
    gives, (message id, room id) each, not queued: the caller runs them
    (``room_unread_push_soon``)."""
    kept: list[tuple[int, int]] = []
    token = _kept.set(kept)
    try:
        yield kept
    finally:
        _kept.reset(token)


def room_unread_push_soon(*, message_id: int, room_id: int) -> None:
    """In an event loop (a chat server's): run the room's unread push ``PUSH_DELAY`` seconds
    from now, unless one is scheduled and not started yet (it counts this message: call this
    after the commit). Best effort, like the broadcast: a failure is logged."""
    loop = asyncio.get_running_loop()
    scheduled = _scheduled.setdefault(loop, {})
    if room_id in scheduled:
        scheduled[room_id] = max(scheduled[room_id], message_id)
        return
    scheduled[room_id] = message_id
    loop.call_later(PUSH_DELAY, _push_start, loop, scheduled, room_id)


def _push_start(loop: asyncio.AbstractEventLoop, scheduled: dict[int, int], room_id: int) -> None:
    task = loop.create_task(_push_scheduled(scheduled, room_id))
    _running.add(task)
    task.add_done_callback(_running.discard)


async def _push_scheduled(scheduled: dict[int, int], room_id: int) -> None:
    message_id = scheduled.pop(room_id)  # from here on a new message schedules anew
    try:
        # (channels' wrapper closes the thread's stale database connections, as a socket's do)
        await database_sync_to_async(room_unread_push, thread_sensitive=False)(
            message_id=message_id, room_id=room_id
        )
    except Exception:
        logger.exception("unread push for room %s failed", room_id)


def room_unread_push_later(*, message_id: int, room_id: int) -> bool:
    """Queue the room's unread push unless this process queued one that will run after this
    message's commit (call it after the commit), or hand it to the ``unread_pushes_kept``
    block around the call. Returns whether it queued one."""
    kept = _kept.get()
    if kept is not None:
        kept.append((message_id, room_id))
        return False
    now = time.time()
    eager = _runs_eagerly()
    if not eager and _queued.get(room_id, 0.0) > now:
        return False
    chat_unread_push_task.apply_async((message_id, room_id), countdown=PUSH_DELAY)
    if not eager:
        with _queued_lock:
            if len(_queued) >= _KEPT_NOTES:
                for lapsed in [room for room, until in _queued.items() if until <= now]:
                    del _queued[lapsed]
            _queued[room_id] = now + PUSH_DELAY - _CLOCK_MARGIN
    return True


def _runs_eagerly() -> bool:
    return bool(chat_unread_push_task.app.conf.task_always_eager)


def room_unread_push(*, message_id: int, room_id: int | None = None) -> int:
    """Send every member of the message's room who has their stream open (``/ws/me/``) their
    unread count there; the others read it when they next open a room list. Returns how many
    were sent. Who listens first (the members' ids, then one Redis round trip): the counts,
    one query whatever the number of members, only for them, and none when nobody listens."""
    if room_id is None:  # a task queued before the room's id came with it
        room_id = Message.objects.filter(pk=message_id).values_list("room_id", flat=True).first()
        if room_id is None:
            return 0
    listening = streams_open(user_ids=room_member_ids(room_id=room_id))
    if not listening:
        return 0
    counts = room_unread_counts(room_id=room_id, user_ids=sorted(listening))
    realtime_send_many(
        sends=[
            (
                user_group(user_id),
                frame(
                    type="room.unread",
                    payload={"room_id": room_id, "unread": unread, "last_read_id": last_read_id},
                ),
            )
            for user_id, last_read_id, unread in counts
        ]
    )
    return len(counts)


@shared_task(name="community.chat_unread_push", ignore_result=True)
def chat_unread_push_task(message_id: int, room_id: int | None = None) -> int:
    return room_unread_push(message_id=message_id, room_id=room_id)
