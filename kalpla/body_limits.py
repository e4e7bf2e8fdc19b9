"""Request body limits, enforced in front of Django before the body is read.

Django's ASGI handler reads the whole body into a temporary file before any middleware
runs, and a chunked body announces no length, so the limit has to sit in the ASGI stack:
an announced ``Content-Length`` over the limit is refused at once (nothing is read), and a
streamed body is counted chunk by chunk and cut off at the limit.

Limits: every body ``KALPLA_MAX_BODY_BYTES`` (``DATA_UPLOAD_MAX_MEMORY_SIZE``), except
multipart bodies on the upload paths (the signed local upload URL and the authoring upload
forms), which may reach ``KALPLA_MAX_UPLOAD_BYTES`` plus room for the multipart framing.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kalpla.exceptions import error_body

UPLOAD_PATH_PREFIXES = ("/files/u/", "/courses/teach/")
MULTIPART_OVERHEAD = 64 * 1024


def body_limit(*, path: str, content_type: str) -> int:
    """Largest body accepted for a request to ``path``; 0 means no limit."""
    multipart = content_type.split(";", 1)[0].strip().lower() == "multipart/form-data"
    if multipart and path.startswith(UPLOAD_PATH_PREFIXES):
        return int(settings.KALPLA_MAX_UPLOAD_BYTES) + MULTIPART_OVERHEAD
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


def too_large_body(limit: int) -> dict[str, Any]:
    message = _("The request body is too large (limit %(limit)d bytes).") % {"limit": limit}
    return error_body(message, "request_too_large")


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _respond(send: Any, status: int, body: dict[str, Any]) -> None:
    import json

    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class BodyLimitMiddleware:
    """ASGI middleware for the ``http`` protocol; see the module docstring."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(path=scope["path"], content_type=_header(scope, b"content-type") or "")
        announced = _header(scope, b"content-length")
        if announced is not None:
            if not announced.strip().isdigit():
                message = _("The Content-Length header is not a valid length.")
                await _respond(send, 400, error_body(message, "invalid_content_length"))
                return
            if limit and int(announced) > limit:
                await _respond(send, 413, too_large_body(limit))
                return
        if not limit:
            await self.app(scope, receive, send)
            return
        received = 0
        refused = False

        async def counted_receive() -> dict[str, Any]:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message: dict[str, Any] = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Answer now and tell the app the client is gone: Django stops reading.
                    refused = True
                    await _respond(send, 413, too_large_body(limit))
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: dict[str, Any]) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted_receive, guarded_send)
