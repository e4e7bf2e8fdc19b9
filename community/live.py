"""The chat's short-lived shared state in Redis: presence per room and frame rate limits.

Kept in Redis, not process memory, so every server process sees the same answer: a member
connected to one process is online for a member connected to another. Without Redis (a
laptop without ``REDIS_URL``) the state lives in this process, which is right for the one
development server.
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache

from kalpla.cache import redis_client

# A socket is online while it sent a heartbeat within settings.KALPLA_CHAT_PRESENCE_TTL
# seconds (60 by default); clients beat every PRESENCE_HEARTBEAT seconds (README, Chat).
PRESENCE_HEARTBEAT = 20

_local_lock = threading.Lock()
_local_presence: dict[int, dict[str, tuple[int, float]]] = {}


def _key(room_id: int) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:chat:presence:{room_id}"


def presence_touch(*, room_id: int, user_id: int, socket: str) -> None:
    """Mark the socket online for KALPLA_CHAT_PRESENCE_TTL seconds (on connect and every
    heartbeat)."""
    ttl = settings.KALPLA_CHAT_PRESENCE_TTL
    expires = time.time() + ttl
    member = f"{user_id}:{socket}"
    if settings.REDIS_URL:
        client = redis_client(settings.REDIS_URL)
        with client.pipeline() as pipe:
            pipe.zadd(_key(room_id), {member: expires})
            pipe.expire(_key(room_id), ttl * 2)
            pipe.execute()
        return
    with _local_lock:
        _local_presence.setdefault(room_id, {})[member] = (user_id, expires)


def presence_leave(*, room_id: int, user_id: int, socket: str) -> None:
    member = f"{user_id}:{socket}"
    if settings.REDIS_URL:
        redis_client(settings.REDIS_URL).zrem(_key(room_id), member)
        return
    with _local_lock:
        _local_presence.get(room_id, {}).pop(member, None)


def presence_online(*, room_id: int) -> list[int]:
    """Ids of the users with at least one live socket in the room, ascending."""
    now = time.time()
    if settings.REDIS_URL:
        client = redis_client(settings.REDIS_URL)
        with client.pipeline() as pipe:
            pipe.zremrangebyscore(_key(room_id), "-inf", now)
            pipe.zrange(_key(room_id), 0, -1)
            _, members = pipe.execute()
        return sorted({int(m.split(b":", 1)[0]) for m in members})
    with _local_lock:
        sockets = _local_presence.get(room_id, {})
        for member in [m for m, (_, exp) in sockets.items() if exp <= now]:
            del sockets[member]
        return sorted({user_id for user_id, _ in sockets.values()})


def rate_allow_all(*, limits: list[tuple[str, int]], window: int) -> bool:
    """``rate_allow`` for several ``(scope, limit)`` at once, every one counted: whether one
    more event fits in all of them. On Redis one round trip (a chat frame checks two)."""
    if not settings.REDIS_URL:
        counted = [rate_allow(scope=s, limit=n, window=window) for s, n in limits]
        return all(counted)  # every scope counted, none skipped by a refusal before it
    with redis_client(settings.REDIS_URL).pipeline() as pipe:  # MULTI: no INCR without expiry
        for scope, _limit in limits:
            key = f"{settings.CACHE_KEY_PREFIX}:chat:rate:{scope}"
            pipe.set(key, 0, nx=True, ex=window)  # the window opens with its first event
            pipe.incr(key)
        replies = pipe.execute()
    return all(count <= limit for count, (_s, limit) in zip(replies[1::2], limits, strict=True))


def rate_allow(*, scope: str, limit: int, window: int) -> bool:
    """Whether one more event fits in ``scope``'s window: the window opens with its first
    event and lasts ``window`` seconds (the cache entry's expiry), shared by every process."""
    key = f"chat:rate:{scope}"
    if cache.add(key, 1, timeout=window):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
