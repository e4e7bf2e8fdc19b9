"""Storing learning events: what ``activity.track()`` reports.

Two modes (``settings.KALPLA_ANALYTICS_BUFFER``):

- ``direct`` (the embedded default, without Redis): one cheap insert on commit per event;
- ``redis``: the receiver appends the event to a Redis list (no database work in the
  request) and ``events_buffer_drain`` (Celery beat every few seconds, and queued early when
  the list grows past ``KALPLA_ANALYTICS_FLUSH_SIZE``) stores them in batches with one bulk
  insert each. Each process gathers its events for up to ``KALPLA_ANALYTICS_BATCH_SECONDS``
  (or ``BATCH_SIZE`` events) and appends them with one RPUSH: a page that reports a view
  costs no Redis round trip of its own. The gathered events are pushed when the process
  exits normally and after each Celery task; a process killed outright (SIGKILL, out of
  memory) loses what it gathered in its last fraction of a second. ``BATCH_SECONDS=0``
  appends each event at once.

The drain never loses an event: under a lock, a batch is first moved to a processing list,
inserted (``ON CONFLICT (event_id) DO NOTHING``), and only removed from the processing list
once the insert committed. A drain that died mid-way leaves its batch there; the next drain
inserts it first (a repeat is ignored by the unique event id).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction

from activity.tracking import LearningEvent
from analytics.models import Event
from kalpla.cache import redis_client

logger = logging.getLogger(__name__)

# The largest JSON we keep in an event's result or context (bytes of its repr, roughly).
JSON_MAX = 4000
DRAIN_BATCH = 1000
LOCK_SECONDS = 60

# Moves up to ARGV[1] items from the head of KEYS[1] to the tail of KEYS[2] atomically.
_MOVE = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items > 0 then
  redis.call('RPUSH', KEYS[2], unpack(items))
  redis.call('LTRIM', KEYS[1], #items, -1)
end
return #items
"""


def _small(data: dict[str, Any]) -> dict[str, Any]:
    return data if len(repr(data)) <= JSON_MAX else {"truncated": True}


def event_row(event: LearningEvent) -> Event:
    """The unsaved row for one reported event."""
    return Event(
        event_id=event.event_id,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        anonymous_id=event.anonymous_id,
        verb=event.verb,
        object_type=event.object.type[:32],
        object_id=event.object.id,
        course_id=event.course_id,
        platform=event.platform,
        result=_small(event.result),
        context=_small(event.context),
    )


def buffer_mode() -> str:
    return (
        "redis" if settings.KALPLA_ANALYTICS_BUFFER == "redis" and settings.REDIS_URL else "direct"
    )


def _keys() -> tuple[str, str, str]:
    base = f"{settings.CACHE_KEY_PREFIX}:analytics:events"
    return base, f"{base}:processing", f"{base}:lock"


def _redis() -> Any:
    return redis_client(settings.REDIS_URL)


# One encoder for every event (``json.dumps`` with options builds a new one per call).
_ENCODER = json.JSONEncoder(separators=(",", ":"), default=str)


def event_serialize(event: LearningEvent) -> str:
    """The buffered form of an event (JSON; ``event_deserialize`` reads it back)."""
    return _ENCODER.encode(
        {
            "e": event.event_id.hex,
            "t": event.occurred_at.isoformat(),
            "a": event.actor_id,
            "n": event.anonymous_id,
            "v": event.verb,
            "ot": event.object.type,
            "oi": event.object.id,
            "c": event.course_id,
            "p": event.platform,
            "r": event.result,
            "x": event.context,
        }
    )


def event_deserialize(data: bytes | str) -> Event:
    item = json.loads(data)
    return Event(
        event_id=uuid.UUID(item["e"]),
        occurred_at=datetime.fromisoformat(item["t"]),
        actor_id=item["a"],
        anonymous_id=item["n"] or "",
        verb=item["v"],
        object_type=str(item["ot"])[:32],
        object_id=item["oi"],
        course_id=item["c"],
        platform=item["p"],
        result=_small(item["r"] or {}),
        context=_small(item["x"] or {}),
    )


def event_record(*, event: LearningEvent, on_due: Callable[[], Any] | None = None) -> None:
    """Store one event (a repeated event id is ignored), or buffer it in ``redis`` mode.

    ``on_due()`` is called when the buffer reaches a multiple of
    ``KALPLA_ANALYTICS_FLUSH_SIZE`` events (queue a drain now rather than at the next beat);
    with batching (see the module's docstring) that may be later, on another thread.
    """
    if buffer_mode() == "redis":
        _BATCH.on_due = on_due
        _BATCH.add(event_serialize(event))
        return
    Event.objects.bulk_create([event_row(event)], ignore_conflicts=True)


class _Batch:
    """This process's events on their way to the Redis list (serialized), pushed together
    by the first of: ``BATCH_SIZE`` events gathered, ``BATCH_SECONDS`` since the first one
    (a timer thread), ``flush()`` (the buffer's readers, each Celery task, the exit)."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None
        self.on_due: Callable[[], Any] | None = None

    def add(self, item: str) -> None:
        seconds = settings.KALPLA_ANALYTICS_BATCH_SECONDS
        with self.lock:
            self.items.append(item)
            full = len(self.items) >= max(settings.KALPLA_ANALYTICS_BATCH_SIZE, 1)
            if not full and seconds > 0 and self.timer is None:
                self.timer = threading.Timer(seconds, self._flush_on_timer)
                self.timer.daemon = True
                self.timer.start()
        if full or seconds <= 0:
            self.flush()

    def _flush_on_timer(self) -> None:
        try:
            self.flush()
        finally:
            close_old_connections()  # a drain or a direct insert may have used one here

    def flush(self) -> None:
        with self.lock:
            items, self.items = self.items, []
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            on_due = self.on_due
        if not items:
            return
        queued, _processing, _lock = _keys()
        try:
            length = int(_redis().rpush(queued, *items))
        except Exception:  # Redis is down: the events still go in, the slow way
            logger.warning("analytics buffer unavailable; storing events directly", exc_info=True)
            Event.objects.bulk_create(
                [event_deserialize(item) for item in items], ignore_conflicts=True
            )
            return
        flush_size = settings.KALPLA_ANALYTICS_FLUSH_SIZE
        # due when this push reached or passed a multiple of the flush size
        if (
            on_due is not None
            and flush_size
            and length // flush_size > (length - len(items)) // flush_size
        ):
            on_due()

    def forget(self) -> None:
        """In a forked child: the parent's events are the parent's to push."""
        self.items = []
        self.timer = None
        self.lock = threading.Lock()


_BATCH = _Batch()
atexit.register(_BATCH.flush)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_BATCH.forget)


def events_flush() -> None:
    """Push the events this process has gathered to the Redis buffer now."""
    _BATCH.flush()


def events_buffer_length() -> int:
    """Events waiting in the buffer (queued plus a batch being stored), this process's
    gathered events included."""
    if buffer_mode() != "redis":
        return 0
    events_flush()
    queued, processing, _lock = _keys()
    client = _redis()
    return int(client.llen(queued)) + int(client.llen(processing))


def events_buffer_drain(*, max_batches: int = 100) -> int:
    """Store buffered events in batches; returns how many were inserted or already there.

    One drain at a time (a Redis lock); a second caller returns 0 at once.
    """
    if buffer_mode() != "redis":
        return 0
    events_flush()
    queued, processing, lock = _keys()
    client = _redis()
    token = uuid.uuid4().hex
    if not client.set(lock, token, nx=True, ex=LOCK_SECONDS):
        return 0
    stored = 0
    try:
        move = client.register_script(_MOVE)
        for _ in range(max_batches):
            # Leftovers of a drain that failed come first, then a fresh batch.
            items = client.lrange(processing, 0, DRAIN_BATCH - 1)
            if not items:
                if not move(keys=[queued, processing], args=[DRAIN_BATCH]):
                    break
                items = client.lrange(processing, 0, DRAIN_BATCH - 1)
            rows = []
            for item in items:
                try:
                    rows.append(event_deserialize(item))
                except (ValueError, KeyError, TypeError):
                    logger.error("dropping a malformed buffered event: %r", item[:200])
            with transaction.atomic():
                Event.objects.bulk_create(rows, ignore_conflicts=True)
            # Only now that the batch is stored does it leave the processing list.
            client.ltrim(processing, len(items), -1)
            client.expire(lock, LOCK_SECONDS)
            stored += len(rows)
    finally:
        if client.get(lock) == token.encode():
            client.delete(lock)
    return stored
