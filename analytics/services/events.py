"""Storing learning events: what ``activity.track()`` reports.

Two modes (``settings.KALPLA_ANALYTICS_BUFFER``):

- ``direct`` (the embedded default, without Redis): one cheap insert on commit per event;
- ``redis``: the receiver appends the event to a Redis list (one RPUSH, no database work in
  the request) and ``events_buffer_drain`` (Celery beat every few seconds, and queued early
  when the list grows past ``KALPLA_ANALYTICS_FLUSH_SIZE``) stores them in batches with one
  bulk insert each.

The drain never loses an event: under a lock, a batch is first moved to a processing list,
inserted (``ON CONFLICT (event_id) DO NOTHING``), and only removed from the processing list
once the insert committed. A drain that died mid-way leaves its batch there; the next drain
inserts it first (a repeat is ignored by the unique event id).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

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


def event_serialize(event: LearningEvent) -> str:
    """The buffered form of an event (JSON; ``event_deserialize`` reads it back)."""
    return json.dumps(
        {
            "e": str(event.event_id),
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
        },
        separators=(",", ":"),
        default=str,
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


def event_record(*, event: LearningEvent) -> bool:
    """Store one event (a repeated event id is ignored), or buffer it in ``redis`` mode.

    True when the buffer has just reached a multiple of ``KALPLA_ANALYTICS_FLUSH_SIZE``
    events: the caller queues a drain now rather than waiting for the next beat.
    """
    if buffer_mode() == "redis":
        try:
            length = _buffer_push(event)
        except Exception:  # Redis is down: the event still goes in, the slow way
            logger.warning("analytics buffer unavailable; storing event directly", exc_info=True)
        else:
            flush_size = settings.KALPLA_ANALYTICS_FLUSH_SIZE
            return bool(flush_size) and length % flush_size == 0
    Event.objects.bulk_create([event_row(event)], ignore_conflicts=True)
    return False


def _buffer_push(event: LearningEvent) -> int:
    queued, _processing, _lock = _keys()
    return int(_redis().rpush(queued, event_serialize(event)))


def events_buffer_length() -> int:
    """Events waiting in the buffer (queued plus a batch being stored)."""
    if buffer_mode() != "redis":
        return 0
    queued, processing, _lock = _keys()
    client = _redis()
    return int(client.llen(queued)) + int(client.llen(processing))


def events_buffer_drain(*, max_batches: int = 100) -> int:
    """Store buffered events in batches; returns how many were inserted or already there.

    One drain at a time (a Redis lock); a second caller returns 0 at once.
    """
    if buffer_mode() != "redis":
        return 0
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
