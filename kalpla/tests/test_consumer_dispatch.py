"""kalpla.consumers.dispatch_all: every message of the socket and of the channel layer is
dispatched once, one at a time, in the order it came; a source is read ahead by one message
at most; a source's error ends the consumer with that error."""

import asyncio

import pytest
from channels.exceptions import StopConsumer

from kalpla.consumers import dispatch_all


def source_of(messages: list, reads: list):
    queue: asyncio.Queue = asyncio.Queue()
    for message in messages:
        queue.put_nowait(message)

    async def receive():
        message = await queue.get()
        reads.append(message)
        if isinstance(message, Exception):
            raise message
        return message

    return queue, receive


async def test_messages_are_dispatched_one_at_a_time_in_order():
    reads: list = []
    socket, receive = source_of([{"n": 1}, {"n": 2}], reads)
    layer, channel_receive = source_of([], reads)
    dispatched: list = []
    busy = False

    async def dispatch(message):
        nonlocal busy
        assert not busy  # never two at once
        busy = True
        dispatched.append(message["n"])
        if message["n"] == 1:
            layer.put_nowait({"n": 3})
            await asyncio.sleep(0.01)
        if message["n"] == 4:
            raise StopConsumer
        busy = False

    socket_later = asyncio.get_running_loop().call_later(0.05, socket.put_nowait, {"n": 4})
    with pytest.raises(StopConsumer):
        await asyncio.wait_for(dispatch_all([receive, channel_receive], dispatch), 2)
    socket_later.cancel()
    assert sorted(dispatched) == [1, 2, 3, 4] and dispatched[0] == 1 and dispatched[-1] == 4


async def test_a_source_is_read_ahead_by_one_message_at_most():
    reads: list = []
    _socket, receive = source_of([{"n": n} for n in range(10)], reads)
    release = asyncio.Event()

    async def dispatch(message):
        await release.wait()

    running = asyncio.ensure_future(dispatch_all([receive], dispatch))
    await asyncio.sleep(0.05)
    # one in dispatch, one in the queue, one read and waiting to be queued
    assert len(reads) == 3
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running


async def test_a_sources_error_ends_the_loop_with_it():
    reads: list = []
    _socket, receive = source_of([{"n": 1}, ConnectionError("Redis is down")], reads)
    dispatched: list = []

    async def dispatch(message):
        dispatched.append(message)

    with pytest.raises(ConnectionError, match="Redis is down"):
        await asyncio.wait_for(dispatch_all([receive], dispatch), 2)
    assert dispatched == [{"n": 1}]
