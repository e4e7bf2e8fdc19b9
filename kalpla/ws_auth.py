"""WebSocket authentication: the site's session cookie, or a headless session token.

Browsers send their session cookie. Mobile clients pass the allauth headless session token
in the first frame (kalpla.consumers), as a subprotocol next to ``kalpla.v1``
(``Sec-WebSocket-Protocol: kalpla.v1, kalpla.token.<token>``) or, as older clients do, as
``?token=<token>``. A token that signs no one in sets ``scope["token_refused"]`` so the
consumer closes with 4401 at once. Token subprotocols are removed from
``scope["subprotocols"]``, so no consumer can choose one and echo the token back in the
handshake answer. Consumers read ``scope["user"]``.
"""

from typing import Any
from urllib.parse import parse_qs

from allauth.headless.internal.sessionkit import authenticate_by_x_session_token
from channels.auth import AuthMiddleware
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from channels.sessions import CookieMiddleware, InstanceSessionWrapper
from django.conf import settings


@database_sync_to_async
def user_for_token(token: str) -> Any:
    result = authenticate_by_x_session_token(token)
    return result[0] if result else None


# The subprotocol the server accepts, and the prefix of the one that carries the token.
SUBPROTOCOL = "kalpla.v1"
TOKEN_SUBPROTOCOL_PREFIX = "kalpla.token."


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict, receive: Any, send: Any) -> Any:
        offered = [str(p) for p in scope.get("subprotocols") or []]
        carried = [p for p in offered if p.startswith(TOKEN_SUBPROTOCOL_PREFIX)]
        if carried:
            scope = dict(scope, subprotocols=[p for p in offered if p not in carried])
        query = parse_qs(scope.get("query_string", b"").decode())
        token = (
            carried[0].removeprefix(TOKEN_SUBPROTOCOL_PREFIX)
            if carried
            else (query.get("token") or [""])[0]
        )
        if token:
            user = await user_for_token(token)
            scope = dict(scope, user=user) if user is not None else dict(scope, token_refused=True)
        return await super().__call__(scope, receive, send)


class _SocketSessionWrapper(InstanceSessionWrapper):
    """Channels' session wrapper saves the session and sets its cookie on
    ``http.response.start`` only, yet looks at the (lazy) session on every message a socket
    sends first: a chat socket's frames skip that look."""

    async def send(self, message: dict[str, Any]) -> Any:
        if message["type"] not in self.save_message_types:
            return await self.real_send(message)
        return await super().send(message)


class SessionMiddleware:
    """Channels' ``SessionMiddleware`` with ``_SocketSessionWrapper``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict, receive: Any, send: Any) -> Any:
        wrapper = _SocketSessionWrapper(scope, send)
        await wrapper.resolve_session()
        return await self.inner(wrapper.scope, receive, wrapper.send)


def TokenOrSessionAuthMiddlewareStack(inner: Any) -> Any:
    """Channels' ``AuthMiddlewareStack`` (cookie, session, user) around the token check."""
    return CookieMiddleware(SessionMiddleware(AuthMiddleware(TokenAuthMiddleware(inner))))


class BrowserOriginValidator(OriginValidator):
    """Browsers must come from one of our hosts; native apps (no Origin header) may connect.

    Cross-site WebSocket hijacking needs a browser, and browsers always send Origin; a
    client without one is a native app and authenticates with its own session token.
    """

    def valid_origin(self, parsed_origin: Any) -> bool:
        if parsed_origin is None:
            return True
        return bool(self.validate_origin(parsed_origin))


def origin_checked(inner: Any) -> Any:
    hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]
    return BrowserOriginValidator(inner, hosts)
