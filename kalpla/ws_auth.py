"""WebSocket authentication: the site's session cookie, or a headless session token.

Mobile clients pass the allauth headless session token as ``?token=<token>``; browsers send
their session cookie. Consumers read ``scope["user"]``.
"""

from typing import Any
from urllib.parse import parse_qs

from allauth.headless.internal.sessionkit import authenticate_by_x_session_token
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware


@database_sync_to_async
def _user_for_token(token: str) -> Any:
    result = authenticate_by_x_session_token(token)
    return result[0] if result else None


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict, receive: Any, send: Any) -> Any:
        query = parse_qs(scope.get("query_string", b"").decode())
        token = (query.get("token") or [""])[0]
        if token:
            user = await _user_for_token(token)
            if user is not None:
                scope = dict(scope, user=user)
        return await super().__call__(scope, receive, send)


def TokenOrSessionAuthMiddlewareStack(inner: Any) -> Any:
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))
