"""A realtime event reaches every socket of a process as one shared message (the Redis layer
sends one copy per process): its JSON is encoded once, by the first socket, and every socket
sends the same frame."""

import json
from typing import Any

from kalpla.consumers import ENCODED_EVENT, KalplaConsumer


class Counting(KalplaConsumer):
    encoded = 0

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        Counting.encoded += 1
        return await super().encode_json(content)


def consumer() -> tuple[Counting, list[Any]]:
    socket = Counting()
    sent: list[Any] = []

    async def base_send(message: Any) -> None:
        sent.append(message)

    socket.base_send = base_send
    return socket, sent


async def test_one_message_for_many_sockets_is_encoded_once():
    event = {"type": "message.new", "id": "e1", "payload": {"message": {"body": "héllo"}}}
    message = {"type": "realtime.event", "event": event}
    sockets = [consumer() for _ in range(5)]
    Counting.encoded = 0
    for socket, _sent in sockets:
        await socket.realtime_event(message)
    assert Counting.encoded == 1
    frames = [sent[0]["text"] for _socket, sent in sockets]
    assert len(set(frames)) == 1 and json.loads(frames[0]) == event
    assert ENCODED_EVENT in message and message["event"] == event  # the event is untouched


async def test_another_message_is_encoded_again():
    socket, sent = consumer()
    Counting.encoded = 0
    for n in range(2):
        await socket.realtime_event({"type": "realtime.event", "event": {"type": "x", "n": n}})
    assert Counting.encoded == 2
    assert [json.loads(m["text"])["n"] for m in sent] == [0, 1]
