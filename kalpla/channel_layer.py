"""The Redis channel layer with fewer round trips (``CHANNEL_LAYERS`` in kalpla/settings.py).

channels_redis's ``RedisChannelLayer`` spends four Redis round trips on each group send
(drop stale members, read the members, drop expired frames, queue the frames) and four on
each frame a server process takes off its queue (put back an unfinished take, block for one
frame, keep a backup of it, drop the backup). On the chat's send path these were most of a
server process's CPU: every message is one group send and one take in each process.

This subclass keeps the layer's data model (the same keys, the same serialised frames, the
same capacity and expiry rules, so processes of either kind share a Redis) and changes only
how it talks to Redis:

- a group send reads the group in one round trip and queues the frames, dropping
  expired ones first, in one script per Redis host;
- a take moves up to ``receive_batch`` waiting frames into the backup queue in one script and
  hands them out from process memory (where channels_redis's receive buffers keep frames for
  a process's consumers anyway); only an empty queue blocks, on ``BZPOPMIN``. The backup is
  dropped by the next take once the frames reached memory, and put back in the queue by it
  when the take before was cancelled before its answer arrived, as channels_redis does.
"""

import collections
import logging
import time
from typing import Any

from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer

logger = logging.getLogger(__name__)

# KEYS: the queue, its backup. ARGV: "restore" or "drop" (what to do with the backup first),
# how many frames to take at most, the backup's expiry in seconds. Returns the frames taken
# (oldest first), which stay in the backup until the next take.
_TAKE = """
local queue, backup = KEYS[1], KEYS[2]
if ARGV[1] == 'restore' then
    local kept = redis.call('ZRANGE', backup, 0, -1, 'WITHSCORES')
    for i = 1, #kept, 2 do
        redis.call('ZADD', queue, kept[i + 1], kept[i])
    end
end
redis.call('DEL', backup)
local taken = redis.call('ZPOPMIN', queue, ARGV[2])
local frames = {}
for i = 1, #taken, 2 do
    redis.call('ZADD', backup, taken[i + 1], taken[i])
    frames[#frames + 1] = taken[i]
end
if #frames > 0 then
    redis.call('EXPIRE', backup, ARGV[3])
end
return frames
"""

# KEYS: the group. ARGV: the oldest score to keep. The group's channels (stale ones dropped).
_MEMBERS = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[1])
return redis.call('ZRANGE', KEYS[1], 0, -1)
"""

# channels_redis's group send script with the expired frames dropped in it. KEYS: the queues.
# ARGV: a frame per queue, a capacity per queue, now, the expiry, the oldest score to keep.
_GROUP_SEND = """
local over_capacity = 0
local current_time = ARGV[#ARGV - 2]
local expiry = ARGV[#ARGV - 1]
local oldest = ARGV[#ARGV]
for i = 1, #KEYS do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, oldest)
    if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[i + #KEYS]) then
        redis.call('ZADD', KEYS[i], current_time, ARGV[i])
        redis.call('EXPIRE', KEYS[i], expiry)
    else
        over_capacity = over_capacity + 1
    end
end
return over_capacity
"""


class RedisChannelLayer(BaseRedisChannelLayer):  # type: ignore[misc]
    """channels_redis's layer in fewer round trips (module docstring)."""

    receive_batch = 100  # frames one take moves from Redis into process memory at most

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Frames taken from a queue and not yet handed out, by queue key.
        self._taken: dict[str, collections.deque[bytes]] = collections.defaultdict(
            collections.deque
        )
        # Queue keys whose last take's answer arrived: their backup holds only frames that
        # are in process memory, so the next take drops it instead of putting it back.
        self._settled: set[str] = set()

    async def receive_single(self, channel: str) -> tuple[Any, dict[str, Any]]:
        assert self.require_valid_channel_name(channel, receive=True), "Channel name invalid"
        if "!" in channel:
            assert channel.endswith("!")
            index = self.consistent_hash(channel)
        else:
            index = next(self._receive_index_generator)
        channel_key = self.prefix + channel
        taken = self._taken[channel_key]
        if not taken:
            # One take at a time per queue: a second one would put the first one's frames
            # back in the queue while they are on their way here.
            await self.receive_clean_locks.acquire(channel_key)
            try:
                while not taken:
                    taken.extend(await self._take(index, channel_key))
            finally:
                self.receive_clean_locks.release(channel_key)
        # (The deque stays in the dict: a take waiting for the lock holds it.)
        message = self.deserialize(taken.popleft())
        if "__asgi_channel__" in message:
            channel = message.pop("__asgi_channel__")
        return channel, message

    async def _take(self, index: int, channel_key: str) -> list[bytes]:
        """Up to ``receive_batch`` frames of the queue, oldest first; blocks up to
        ``brpop_timeout`` seconds for one when there are none (then [] if none came)."""
        connection = self.connection(index)
        settled = channel_key in self._settled
        # Cancelled before the answer arrives, the frames stay in the backup and the next
        # take puts them back (not settled).
        self._settled.discard(channel_key)
        frames = await connection.eval(
            _TAKE,
            2,
            channel_key,
            self._backup_channel_name(channel_key),
            "drop" if settled else "restore",
            self.receive_batch,
            max(int(self.expiry), 1),
        )
        self._settled.add(channel_key)
        if frames:
            return list(frames)
        result = await connection.bzpopmin(channel_key, timeout=self.brpop_timeout)
        return [] if result is None else [result[1]]

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert self.require_valid_group_name(group), "Group name not valid"
        key = self._group_key(group)
        connection = self.connection(self.consistent_hash(group))
        members = await connection.eval(_MEMBERS, 1, key, int(time.time()) - self.group_expiry)
        channel_names = [member.decode("utf8") for member in members]
        if not channel_names:
            return
        keys_by_host, frame_by_key, capacity_by_key = self._map_channel_keys_to_connection(
            channel_names, message
        )
        for index, keys in keys_by_host.items():
            now = time.time()
            args = [
                *(frame_by_key[k] for k in keys),
                *(capacity_by_key[k] for k in keys),
                now,
                self.expiry,
                int(now) - int(self.expiry),
            ]
            over_capacity = await self.connection(index).eval(_GROUP_SEND, len(keys), *keys, *args)
            if over_capacity > 0:
                logger.warning(
                    "%s of %s channels over capacity in group %s: frames dropped",
                    over_capacity,
                    len(channel_names),
                    group,
                )
