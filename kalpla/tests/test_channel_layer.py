"""kalpla.channel_layer: channels_redis's layer in fewer round trips, on the real Redis."""

import asyncio
import logging
import time
import uuid

import pytest
from channels_redis.core import RedisChannelLayer as UpstreamLayer

from kalpla.channel_layer import RedisChannelLayer


@pytest.fixture
def hosts(settings):
    if not settings.REDIS_URL:
        pytest.fail("Redis is needed: set REDIS_URL (CI and this machine run it)")
    return [{"address": settings.REDIS_URL}]


@pytest.fixture
def prefix() -> str:
    return f"layer-test-{uuid.uuid4().hex}"


async def _close(*layers) -> None:
    for layer in layers:
        await layer.flush()
        await layer.close_pools()


async def test_group_send_reaches_every_channel_of_two_processes_in_order(hosts, prefix):
    one = RedisChannelLayer(hosts=hosts, prefix=prefix, capacity=1000)
    two = RedisChannelLayer(hosts=hosts, prefix=prefix, capacity=1000)  # another process
    try:
        channels = [await one.new_channel() for _ in range(3)] + [await two.new_channel()]
        for channel in channels:
            await one.group_add("room", channel)
        for n in range(250):  # more than one take's worth for each process
            await two.group_send("room", {"type": "chat.message", "n": n})
        for channel in channels:
            layer = one if channel.startswith(f"specific.{one.client_prefix}") else two
            got = [(await layer.receive(channel))["n"] for _ in range(250)]
            assert got == list(range(250))
    finally:
        await _close(one, two)


@pytest.mark.parametrize("batch", [1, 100])
async def test_a_receive_cancelled_while_redis_answers_loses_no_frame(hosts, prefix, batch):
    layer = RedisChannelLayer(hosts=hosts, prefix=prefix)
    layer.receive_batch = batch
    try:
        leaving, staying = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("room", staying)
        # given a consumer's receive waiting on Redis for the process's next frame
        waiting = asyncio.ensure_future(layer.receive(leaving))
        while not layer._takes:
            await asyncio.sleep(0.01)
        # when the frame arrives and that consumer leaves before the answer is read
        await layer.group_send("room", {"type": "chat.message", "n": 1})
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        # then the frame still reaches the consumer it was for
        message = await asyncio.wait_for(layer.receive(staying), 5)
        assert message["n"] == 1
    finally:
        await _close(layer)


async def test_frames_from_the_upstream_layer_are_read_and_the_other_way_round(hosts, prefix):
    """A rolling deploy runs both layers on one Redis: same keys, same frames."""
    ours = RedisChannelLayer(hosts=hosts, prefix=prefix)
    theirs = UpstreamLayer(hosts=hosts, prefix=prefix)
    try:
        mine, other = await ours.new_channel(), await theirs.new_channel()
        await ours.group_add("room", mine)
        await theirs.group_add("room", other)
        await theirs.group_send("room", {"type": "chat.message", "n": 1})
        await ours.group_send("room", {"type": "chat.message", "n": 2})
        assert [(await ours.receive(mine))["n"] for _ in range(2)] == [1, 2]
        assert [(await theirs.receive(other))["n"] for _ in range(2)] == [1, 2]
    finally:
        await _close(ours, theirs)


async def test_group_send_drops_frames_older_than_the_expiry(hosts, prefix, monkeypatch):
    layer = RedisChannelLayer(hosts=hosts, prefix=prefix, expiry=60)
    try:
        channel = await layer.new_channel()
        await layer.group_add("room", channel)
        await layer.group_send("room", {"type": "chat.message", "n": 1})
        later = time.time() + 61
        monkeypatch.setattr("kalpla.channel_layer.time.time", lambda: later)
        await layer.group_send("room", {"type": "chat.message", "n": 2})
        assert (await layer.receive(channel))["n"] == 2
    finally:
        await _close(layer)


async def test_a_full_queue_drops_the_frame_and_says_so(hosts, prefix, caplog):
    layer = RedisChannelLayer(hosts=hosts, prefix=prefix, capacity=2)
    try:
        channel = await layer.new_channel()
        await layer.group_add("room", channel)
        with caplog.at_level(logging.WARNING, logger="kalpla.channel_layer"):
            for n in range(3):
                await layer.group_send("room", {"type": "chat.message", "n": n})
        assert "over capacity in group room" in caplog.text
        assert [(await layer.receive(channel))["n"] for _ in range(2)] == [0, 1]
    finally:
        await _close(layer)


async def test_the_configured_layer_keeps_a_frame_waiting_for_minutes(
    settings, hosts, prefix, monkeypatch
):
    """A process that has not taken its frames for two minutes still gets them (channels_redis
    drops them after 60 s); five minutes is the limit."""
    config = {**settings.CHANNEL_LAYERS["default"]["CONFIG"], "prefix": prefix}
    layer = RedisChannelLayer(**config)
    try:
        channel = await layer.new_channel()
        await layer.group_add("room", channel)
        await layer.group_send("room", {"type": "chat.message", "n": 1})
        later = time.time() + 120
        monkeypatch.setattr("kalpla.channel_layer.time.time", lambda: later)
        await layer.group_send("room", {"type": "chat.message", "n": 2})
        assert [(await layer.receive(channel))["n"] for _ in range(2)] == [1, 2]
        assert layer.expiry == 300
    finally:
        await _close(layer)


async def test_flush_forgets_frames_already_taken(hosts, prefix):
    layer = RedisChannelLayer(hosts=hosts, prefix=prefix)
    try:
        channel = await layer.new_channel()
        await layer.group_add("room", channel)
        for n in range(2):
            await layer.group_send("room", {"type": "chat.message", "n": n})
        assert (await layer.receive(channel))["n"] == 0  # the other frame is taken too
        await layer.flush()
        await layer.group_add("room", channel)
        await layer.group_send("room", {"type": "chat.message", "n": 2})
        assert (await layer.receive(channel))["n"] == 2
    finally:
        await _close(layer)


async def test_every_waiting_socket_hears_a_failed_take_and_the_next_receive_takes_again(
    hosts, prefix, monkeypatch
):
    """Redis gone: each receive waiting on the process's pump raises (its consumer ends and
    the client reconnects), none hangs; once Redis answers again, receives work."""
    layer = RedisChannelLayer(hosts=hosts, prefix=prefix)
    try:
        first, second = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("room", first)
        await layer.group_add("room", second)
        real_take = layer._take

        async def down(index: int, channel_key: str) -> None:
            raise ConnectionError("Redis is down")

        monkeypatch.setattr(layer, "_take", down)
        waiting = [asyncio.ensure_future(layer.receive(c)) for c in (first, second)]
        done = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), 5)
        assert [type(result) for result in done] == [ConnectionError, ConnectionError]
        monkeypatch.setattr(layer, "_take", real_take)
        await layer.group_send("room", {"type": "chat.message", "n": 1})
        got = [await asyncio.wait_for(layer.receive(c), 5) for c in (first, second)]
        assert [m["n"] for m in got] == [1, 1]
    finally:
        await _close(layer)


async def test_one_pump_hands_each_waiting_socket_its_frames(hosts, prefix):
    layer = RedisChannelLayer(hosts=hosts, prefix=prefix)
    try:
        channels = [await layer.new_channel() for _ in range(20)]
        for channel in channels:
            await layer.group_add("room", channel)
        waiting = [asyncio.ensure_future(layer.receive(c)) for c in channels]
        await asyncio.sleep(0.05)
        assert len(layer._pumps) == 1  # one for the process's queue, whatever the sockets
        await layer.group_send("room", {"type": "chat.message", "n": 7})
        got = await asyncio.wait_for(asyncio.gather(*waiting), 5)
        assert [m["n"] for m in got] == [7] * 20
        assert not layer._waiting and not layer.receive_buffer  # nothing left behind
    finally:
        await _close(layer)


async def test_a_group_send_is_one_round_trip_and_upstream_reads_its_frames(hosts, prefix):
    """One script reads the group and queues a frame per process, each listing its channels
    as channels_redis's own frames do: the upstream layer reads them."""
    ours = RedisChannelLayer(hosts=hosts, prefix=prefix)
    theirs = UpstreamLayer(hosts=hosts, prefix=prefix)
    try:
        mine = [await ours.new_channel() for _ in range(3)]
        others = [await theirs.new_channel() for _ in range(2)]
        plain = f"plain-{uuid.uuid4().hex}"  # a channel outside any process
        for channel in [*mine, *others, plain]:
            await ours.group_add("room", channel)
        connection = ours.connection(0)
        commands = []
        execute = connection.execute_command

        async def counted(*args, **kwargs):
            commands.append(args[0])
            return await execute(*args, **kwargs)

        connection.execute_command = counted
        message = {"type": "chat.message", "text": "héllo", "n": [1, 2.5, None, True]}
        await ours.group_send("room", message)
        assert commands == ["EVAL"]
        for channel in mine:
            assert await ours.receive(channel) == message
        for channel in others:
            assert await theirs.receive(channel) == message
        assert await theirs.receive(plain) == message
    finally:
        await _close(ours, theirs)


@pytest.mark.parametrize(
    "options",
    [
        {"channel_capacity": {"specific.*": 50}},
        {"symmetric_encryption_keys": ["a-test-key-of-some-length"]},
    ],
    ids=["per-channel capacity", "encrypted"],
)
async def test_a_layer_the_script_cannot_serve_sends_per_host(hosts, prefix, options):
    layer = RedisChannelLayer(hosts=hosts, prefix=prefix, **options)
    try:
        channels = [await layer.new_channel() for _ in range(2)]
        for channel in channels:
            await layer.group_add("room", channel)
        assert layer._frame_parts({"type": "chat.message"}) is None
        await layer.group_send("room", {"type": "chat.message", "n": 7})
        for channel in channels:
            assert (await layer.receive(channel))["n"] == 7
    finally:
        await _close(layer)
