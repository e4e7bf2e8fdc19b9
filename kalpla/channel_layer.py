"""The Redis channel layer with fewer round trips (``CHANNEL_LAYERS`` in kalpla/settings.py).

channels_redis's ``RedisChannelLayer`` spends four Redis round trips on each group send
(drop stale members, read the members, drop expired frames, queue the frames) and four on
each frame a server process takes off its queue (put back an unfinished take, block for one
frame, keep a backup of it, drop the backup), and still lost the frame when the receive was
cancelled while Redis answered. On the chat's send path these were most of a
server process's CPU: every message is one group send and one take in each process.

This subclass keeps the layer's data model (the same keys, the same serialised frames, the
same capacity and expiry rules, so processes of either kind share a Redis) and changes only
how it talks to Redis:

- a group send is one script, one round trip: it reads the group and queues one frame per
  server process (its channels listed in it, as channels_redis does), dropping expired
  frames first; with several Redis hosts, encrypted frames or per-channel capacities it
  reads the group first and queues in one script per host;
- a server process takes up to ``receive_batch`` frames of its queue in one ``BZMPOP``
  (Redis 7) and hands them out from process memory, where channels_redis's receive buffers
  keep frames for the process's consumers anyway. The take is not cancelled with the receive
  that started it (a consumer that leaves while it waits): channels_redis lost the frame
  its cancelled ``BZPOPMIN`` had taken; here it waits for the next receive of the process;
- one pump task per process queue hands the taken frames to the sockets' buffers while any
  socket waits, instead of every waiting receive racing for a lock with two new tasks and an
  ``asyncio.wait`` for each frame it gets (``receive``).
"""

import asyncio
import collections
import logging
import random
import time
from typing import Any

import msgpack
from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer
from channels_redis.serializers import MsgPackSerializer

logger = logging.getLogger(__name__)

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


# The whole group send in one script (one Redis host). KEYS: the group. ARGV: [1] the oldest
# member score to keep, [2] the queues' key prefix, [3] the frame's start (its random prefix
# and a map header counting one entry more), [4] the message's entries, [5] the packed
# "__asgi_channel__", [6] the capacity, [7] now, [8] the expiry, [9] the oldest frame score
# to keep. Each queue gets the message with the list of its channels in the group, as
# channels_redis's frames carry it. Returns {members, queues over capacity}.
_GROUP_SEND_ONE_TRIP = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, ARGV[1])
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
local channels, queues = {}, {}
for _, channel in ipairs(members) do
    local bang = string.find(channel, '!', 1, true)
    local queue = ARGV[2] .. (bang and string.sub(channel, 1, bang) or channel)
    if channels[queue] == nil then
        channels[queue] = {}
        queues[#queues + 1] = queue
    end
    table.insert(channels[queue], channel)
end
local over_capacity = 0
for _, queue in ipairs(queues) do
    redis.call('ZREMRANGEBYSCORE', queue, 0, ARGV[9])
    if redis.call('ZCOUNT', queue, '-inf', '+inf') < tonumber(ARGV[6]) then
        local frame = ARGV[3] .. ARGV[4] .. ARGV[5] .. cmsgpack.pack(channels[queue])
        redis.call('ZADD', queue, ARGV[7], frame)
        redis.call('EXPIRE', queue, ARGV[8])
    else
        over_capacity = over_capacity + 1
    end
end
return {#members, over_capacity}
"""
_CHANNELS_ENTRY = msgpack.packb("__asgi_channel__")


class _TakeFailed:
    """In a waiting receive's buffer: the pump's take failed with ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error


class RedisChannelLayer(BaseRedisChannelLayer):
    """channels_redis's layer in fewer round trips (module docstring)."""

    receive_batch = 100  # frames one take moves from Redis into process memory at most

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Frames taken from a queue and not yet handed out, by queue key.
        self._taken: dict[str, collections.deque[bytes]] = collections.defaultdict(
            collections.deque
        )
        self._takes: dict[str, asyncio.Task[None]] = {}  # the take under way, by queue key
        # The task handing this process's frames to its channels' buffers, by process queue.
        self._pumps: dict[str, asyncio.Task[None]] = {}
        self._waiting: set[asyncio.Queue[Any]] = set()  # buffers a receive is waiting on

    async def receive(self, channel: str) -> Any:
        """The next frame of ``channel``. For this process's own channels (every socket's),
        one pump per process queue takes the frames and puts each in its channels' buffers
        while any receive waits (``_pump``); a receive just waits on its buffer.
        channels_redis instead made every waiting receive race for a lock with two new tasks
        and an ``asyncio.wait`` each time, a socket's largest cost per frame it got."""
        if "!" not in channel:
            return await super().receive(channel)
        assert self.require_valid_channel_name(channel), "Channel name invalid"
        buffer = self.receive_buffer[channel]
        if buffer.empty():
            self._waiting.add(buffer)
            self._pump_ensure(self.non_local_name(channel))
            try:
                message = await buffer.get()
            except asyncio.CancelledError:
                # Its consumer left: forget the buffer, unless a frame came for it meanwhile.
                if buffer.empty() and self.receive_buffer.get(channel) is buffer:
                    del self.receive_buffer[channel]
                raise
            finally:
                self._waiting.discard(buffer)
        else:
            message = buffer.get_nowait()
        if buffer.empty() and self.receive_buffer.get(channel) is buffer:
            del self.receive_buffer[channel]
        if isinstance(message, _TakeFailed):
            raise message.error
        return message

    def _pump_ensure(self, real_channel: str) -> None:
        loop = asyncio.get_running_loop()
        pump = self._pumps.get(real_channel)
        if pump is None or pump.done() or pump.get_loop() is not loop:
            self._pumps[real_channel] = loop.create_task(self._pump(real_channel))

    async def _pump(self, real_channel: str) -> None:
        """Hand the process queue's frames to their channels' buffers while a receive waits.
        A failed take (Redis down) is raised in every waiting receive, as it was raised in the
        one receive that took for them all before."""
        try:
            while self._waiting:
                message_channel, message = await self.receive_single(real_channel)
                for chan in (
                    message_channel if isinstance(message_channel, list) else [message_channel]
                ):
                    self.receive_buffer[chan].put_nowait(message)
        except Exception as error:
            for buffer in list(self._waiting):
                buffer.put_nowait(_TakeFailed(error))

    async def receive_single(self, channel: str) -> tuple[Any, dict[str, Any]]:
        assert self.require_valid_channel_name(channel, receive=True), "Channel name invalid"
        if "!" in channel:
            assert channel.endswith("!")
            index = self.consistent_hash(channel)
        else:
            index = next(self._receive_index_generator)
        channel_key = self.prefix + channel
        taken = self._taken[channel_key]  # (stays in the dict: a take under way fills it)
        while not taken:
            # Shielded: a receive cancelled while it waits (its consumer left) leaves the take
            # running, and the frames it takes wait here for the next receive of the process
            # instead of going down with the cancelled call.
            await asyncio.shield(self._take_under_way(index, channel_key))
        message = self.deserialize(taken.popleft())
        if "__asgi_channel__" in message:
            channel = message.pop("__asgi_channel__")
        return channel, message

    def _take_under_way(self, index: int, channel_key: str) -> "asyncio.Task[None]":
        task = self._takes.get(channel_key)
        if task is None or task.done():
            task = asyncio.ensure_future(self._take(index, channel_key))
            # a failure nobody awaited any more (every receive was cancelled) is not logged
            # as never retrieved: the next receive takes again and meets it itself
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
            self._takes[channel_key] = task
        return task

    async def _take(self, index: int, channel_key: str) -> None:
        """Up to ``receive_batch`` frames of the queue, oldest first, into ``_taken``; waits
        up to ``brpop_timeout`` seconds for the first (then takes nothing)."""
        result = await self.connection(index).bzmpop(
            self.brpop_timeout, 1, [channel_key], min=True, count=self.receive_batch
        )
        if result is not None:
            self._taken[channel_key].extend(member for member, _score in result[1])

    async def flush(self) -> None:
        # Frames already taken are gone from Redis: flushing forgets them too.
        for task in [*self._takes.values(), *self._pumps.values()]:
            task.cancel()
        self._takes.clear()
        self._pumps.clear()
        self.receive_buffer.clear()  # frames handed out, not yet received
        self._taken.clear()
        await super().flush()

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert self.require_valid_group_name(group), "Group name not valid"
        parts = self._frame_parts(message)
        if parts is None:
            await self._group_send_per_host(group, message)
            return
        start, entries = parts
        now = time.time()
        members, over_capacity = await self.connection(0).eval(
            _GROUP_SEND_ONE_TRIP,
            1,
            self._group_key(group),
            int(now) - self.group_expiry,
            self.prefix,
            start,
            entries,
            _CHANNELS_ENTRY,
            self.capacity,
            now,
            self.expiry,
            int(now) - int(self.expiry),
        )
        self._over_capacity(over_capacity, members, group)

    def _frame_parts(self, message: dict[str, Any]) -> tuple[bytes, bytes] | None:
        """The frame of ``message`` as the one-trip script completes it: its start (random
        prefix, map header with one entry more) and its entries; None where the script
        cannot build the layer's frames (several hosts, encryption, per-channel capacities,
        another format, a map too large for a one-byte header)."""
        serializer = self._serializer
        if (
            self.ring_size != 1
            or self.channel_capacity
            or serializer.crypter
            or not isinstance(serializer, MsgPackSerializer)
            or "__asgi_channel__" in message
        ):
            return None
        body = serializer.as_bytes(message)
        if body[0] & 0xF0 != 0x80 or body[0] == 0x8F:  # a fixmap of at most 14 entries
            return None
        size = serializer.random_prefix_length
        prefix = random.getrandbits(8 * size).to_bytes(size, "big") if size else b""
        return prefix + bytes([body[0] + 1]), body[1:]

    async def _group_send_per_host(self, group: str, message: dict[str, Any]) -> None:
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
            self._over_capacity(over_capacity, len(channel_names), group)

    @staticmethod
    def _over_capacity(over_capacity: int, members: int, group: str) -> None:
        if over_capacity > 0:
            logger.warning(
                "%s of %s channels over capacity in group %s: frames dropped",
                over_capacity,
                members,
                group,
            )
