"""A frame on its way to a client that has just left must not end the consumer early.

uvicorn raises ClientDisconnected from ``send`` once the client is gone; the
``websocket.disconnect`` queued behind it is what runs ``disconnect()`` (chat presence,
group membership), so the consumer swallows the error and carries on to it. Found by the
two-process chat test (community/tests/test_chat_two_processes.py), where it left a closed
socket's user online.
"""

from typing import Any

from uvicorn.protocols.utils import ClientDisconnected

from kalpla.consumers import KalplaConsumer


def gone_consumer() -> tuple[KalplaConsumer, list[Any]]:
    consumer = KalplaConsumer()
    tried: list[Any] = []

    async def gone(message: Any) -> None:
        tried.append(message)
        raise ClientDisconnected()

    consumer.base_send = gone
    return consumer, tried


async def test_json_frame_to_a_client_that_left_is_dropped_quietly():
    consumer, tried = gone_consumer()
    await consumer.send_json({"type": "message.new", "id": "1", "payload": {}})
    await consumer.send_error(code="invalid_frame", message="late")
    assert [m["type"] for m in tried] == ["websocket.send", "websocket.send"]


async def test_closing_a_socket_whose_client_left_is_quiet():
    consumer, tried = gone_consumer()
    await consumer.close(code=4403)
    assert tried == [{"type": "websocket.close", "code": 4403}]
