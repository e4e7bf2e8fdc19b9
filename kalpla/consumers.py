"""Base consumer for every live feature: JSON frames, auth, acks and error frames (API.md).

Every socket is accepted first, so refusals reach the client as close codes: 4401 (not
signed in, bad or logged-out token) and 4403 (signed in but not allowed). A socket without
a cookie session, a token subprotocol or ``?token=`` (kalpla.ws_auth) may sign in with its
first frame, ``{"type": "auth", "id": "1", "payload": {"token": "<session token>"}}``,
within ``KALPLA_WS_AUTH_TIMEOUT`` seconds; this keeps the token out of URLs and access logs.
A client that offers the ``kalpla.v1`` subprotocol gets it back in the handshake answer.

Sizes: uvicorn refuses messages over ``KALPLA_WS_MAX_FRAME_BYTES`` (``--ws-max-size``) with
close 1009 before reading them; this class closes with 1009 too when a server without that
limit hands it one. Text frames up to that size but over ``MAX_FRAME_CHARS`` get a
``frame_too_large`` error frame, so no JSON parser ever sees them.
"""

import asyncio
import contextlib
import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings

from kalpla.ws_auth import SUBPROTOCOL, user_for_token

CLOSE_UNAUTHORISED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_BIG = 1009  # RFC 6455: message too big to process
# Largest text frame a consumer parses as JSON; settings.KALPLA_WS_MAX_FRAME_BYTES (the
# server's --ws-max-size) bounds what reaches it at all.
MAX_FRAME_CHARS = 64 * 1024

_INVALID = object()  # a text frame that is not JSON
ENCODED_EVENT = "_kalpla_text"
"""Key of a realtime message's encoded frame, kept on the message (``send_event``)."""


def _over_transport_limit(text_data: str | None, bytes_data: bytes | None) -> bool:
    limit = settings.KALPLA_WS_MAX_FRAME_BYTES
    if text_data is not None:
        # The limit counts UTF-8 bytes, 1 to 4 per character: encode (a copy) only when the
        # character count cannot decide.
        if len(text_data) > limit or len(text_data) * 4 <= limit:
            return len(text_data) > limit
        return len(text_data.encode()) > limit
    return bytes_data is not None and len(bytes_data) > limit


class _Failed:
    """In the dispatch queue: a source's receive raised ``error``."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


async def dispatch_all(
    sources: list[Callable[[], Awaitable[Any]]], dispatch: Callable[[Any], Awaitable[None]]
) -> None:
    """channels' ``await_many_dispatch`` without a new task and an ``asyncio.wait`` for every
    message: one reader task per source (the socket, the channel layer) hands its messages
    over a queue of one, so they are dispatched one at a time in the order they came, and a
    source is read ahead by one message at most, as there. A source's error is raised here."""
    ready: asyncio.Queue[Any] = asyncio.Queue(maxsize=1)

    async def read(source: Callable[[], Awaitable[Any]]) -> None:
        try:
            while True:
                await ready.put(await source())
        except Exception as error:
            await ready.put(_Failed(error))

    readers = [asyncio.ensure_future(read(source)) for source in sources]
    try:
        while True:
            message = await ready.get()
            if isinstance(message, _Failed):
                raise message.error
            await dispatch(message)
    finally:
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)


class KalplaConsumer(AsyncJsonWebsocketConsumer):
    """Accepts signed-in users only, joins ``groups_for()``, forwards realtime events.

    Subclasses override ``authorise``, ``groups_for``, ``ready`` (first frames to send once
    the socket is signed in) and ``handle_frame``; frames a subclass does not know get an
    error frame back, never a disconnect.
    """

    user: Any = None
    _auth_deadline: "asyncio.Task[None] | None" = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """channels' ``AsyncConsumer.__call__`` with ``dispatch_all`` reading the socket and
        the channel layer (a chat socket's share of a server's CPU was largely channels'
        task and ``asyncio.wait`` for every frame)."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        sources = [receive]
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            self.channel_receive = functools.partial(self.channel_layer.receive, self.channel_name)
            sources.append(self.channel_receive)
        self.base_send = send
        with contextlib.suppress(StopConsumer):  # the consumer ends cleanly
            await dispatch_all(sources, self.dispatch)

    async def connect(self) -> None:
        offered = self.scope.get("subprotocols") or []
        await self.accept(SUBPROTOCOL if SUBPROTOCOL in offered else None)
        user = self.scope.get("user")
        if self.scope.get("token_refused"):
            await self.close(code=CLOSE_UNAUTHORISED)
        elif user is not None and user.is_authenticated:
            await self._start(user)
        else:
            self._auth_deadline = asyncio.create_task(self._close_unless_signed_in())

    async def _close_unless_signed_in(self) -> None:
        await asyncio.sleep(settings.KALPLA_WS_AUTH_TIMEOUT)
        if self.user is None:
            await self.close(code=CLOSE_UNAUTHORISED)

    async def _start(self, user: Any) -> None:
        self.user = user
        self.scope["user"] = user
        if not await self.authorise():
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.joined = await self.groups_for()
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.ready()

    async def disconnect(self, code: int) -> None:
        if self._auth_deadline is not None:
            self._auth_deadline.cancel()
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def authorise(self) -> bool:
        return True

    async def groups_for(self) -> list[str]:
        return []

    async def ready(self) -> None:
        """Called once the socket is signed in, allowed and in its groups."""

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        if _over_transport_limit(text_data, bytes_data):
            await self.close(code=CLOSE_TOO_BIG)
            return
        if text_data is None:
            content: Any = _INVALID
        elif len(text_data) > MAX_FRAME_CHARS:
            if self.user is None:
                await self.close(code=CLOSE_UNAUTHORISED)
                return
            await self.send_error(
                code="frame_too_large",
                message=f"Frames are at most {MAX_FRAME_CHARS} characters.",
            )
            return
        else:
            content = await self.decode_json(text_data)
        if self.user is None:
            await self._authenticate(content)
        elif content is _INVALID:
            await self.send_error(code="invalid_frame", message="Frames are JSON text objects.")
        else:
            await self.receive_json(content)

    async def _authenticate(self, content: Any) -> None:
        """The first frame of a socket that is not signed in must be an auth frame."""
        payload = content.get("payload") if isinstance(content, dict) else None
        token = payload.get("token") if isinstance(payload, dict) else None
        user = None
        if content is not _INVALID and content.get("type") == "auth" and isinstance(token, str):
            user = await user_for_token(token)
        if user is None:
            await self.close(code=CLOSE_UNAUTHORISED)
            return
        if self._auth_deadline is not None:
            self._auth_deadline.cancel()
        await self.send_json(
            {"type": "ack", "id": content.get("id"), "payload": {"user_id": user.pk}}
        )
        await self._start(user)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_error(
                code="invalid_frame", message="Frames are JSON objects with a type."
            )
            return
        frame_id = content.get("id")
        if content["type"] == "ping":
            await self.send_json({"type": "pong", "id": frame_id, "payload": {}})
            return
        await self.handle_frame(content)

    async def handle_frame(self, content: dict[str, Any]) -> None:
        await self.send_error(
            code="unknown_type",
            message=f"Unknown frame type {content['type']!r}.",
            id=content.get("id"),
        )

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' own dispatch first closes stale database connections, a hop to the one
        # sync thread for every frame and every event (100 hops to fan one chat message out to
        # 100 sockets of a process, queued one behind another). Every database call here goes
        # through database_sync_to_async, which closes stale connections itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def send(
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
    ) -> None:
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except OSError:
            # uvicorn raises ClientDisconnected (an OSError) for a frame sent after the client
            # left. The websocket.disconnect behind it still runs disconnect(); letting this
            # propagate would end the consumer without it (presence and groups left behind).
            return

    async def send_json(self, content: Any, close: bool = False) -> None:
        # Channels' own send_json skips the send above.
        await self.send(text_data=await self.encode_json(content), close=close)

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        try:
            await super().close(code=code, reason=reason)
        except OSError:  # the client has already gone (see send)
            return

    async def send_error(self, *, code: str, message: str, id: Any = None) -> None:
        await self.send_json({"type": "error", "id": id, "code": code, "message": message})

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return json.loads(text_data)
        except (ValueError, RecursionError):  # RecursionError: deeply nested arrays
            return _INVALID

    async def realtime_event(self, message: dict[str, Any]) -> None:
        """Handler for kalpla.realtime.realtime_publish events."""
        await self.send_event(message)

    async def send_event(self, message: dict[str, Any]) -> None:
        """Send a realtime event's frame as it is. The Redis layer hands every socket of a
        process the same message (one copy per process, see channels_redis's group send), so
        its JSON is encoded by the first socket and kept on the message for the others."""
        text = message.get(ENCODED_EVENT)
        if text is None:
            text = message[ENCODED_EVENT] = await self.encode_json(message["event"])
        await self.send(text_data=text)
