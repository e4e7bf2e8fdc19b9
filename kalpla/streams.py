"""Who has a personal event stream (``/ws/me/``) open right now, shared by every process.

Pushes meant only for a live screen (a room's unread count after each chat message) go to
the members who are listening instead of to every member: in a room of 100 most are away,
and a channel-layer send to an empty group still costs a round trip. A stream is listed
under its user for ``STREAM_TTL`` seconds and its socket renews the entry while it is open
(``MeConsumer``), so a process that dies leaves nothing listed for long.

Without Redis (a laptop without ``REDIS_URL``) the list lives in this process, which is right
for the one development server.
"""

import threading
import time
from collections.abc import Iterable

from django.conf import settings

from kalpla.cache import redis_client

STREAM_TTL = 60
STREAM_RENEW = 20

_local_lock = threading.Lock()
_local_streams: dict[int, dict[str, float]] = {}


def _key(user_id: int) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:streams:{user_id}"


def stream_touch(*, user_id: int, socket: str) -> None:
    """List the socket as open for the next STREAM_TTL seconds (on connect, then renewed)."""
    expires = time.time() + STREAM_TTL
    if settings.REDIS_URL:
        with redis_client(settings.REDIS_URL).pipeline() as pipe:
            pipe.zadd(_key(user_id), {socket: expires})
            pipe.expire(_key(user_id), STREAM_TTL * 2)
            pipe.execute()
        return
    with _local_lock:
        _local_streams.setdefault(user_id, {})[socket] = expires


def stream_leave(*, user_id: int, socket: str) -> None:
    if settings.REDIS_URL:
        redis_client(settings.REDIS_URL).zrem(_key(user_id), socket)
        return
    with _local_lock:
        _local_streams.get(user_id, {}).pop(socket, None)


def streams_open(*, user_ids: Iterable[int]) -> set[int]:
    """Which of ``user_ids`` have at least one stream open: one round trip for all of them."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return set()
    now = time.time()
    if settings.REDIS_URL:
        with redis_client(settings.REDIS_URL).pipeline(transaction=False) as pipe:
            for user_id in ids:
                pipe.zcount(_key(user_id), now, "+inf")
            counts = pipe.execute()
        return {user_id for user_id, count in zip(ids, counts, strict=True) if count}
    with _local_lock:
        return {
            user_id
            for user_id in ids
            if any(expires > now for expires in _local_streams.get(user_id, {}).values())
        }
