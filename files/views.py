"""File views: access-checked downloads (with HTTP Range) and the local signed uploads.

Download links come from files/services.py (``file_link_url``) and from apps with
their own link routes (``SignedFileView`` subclasses such as the lesson player's). Each
request checks the token and the requesting user's access, then serves the file from the
local storage, or on S3 redirects to a short presigned GET. Private media is never served
from /media/. Uploads here are the local stand-in for S3's presigned POST.
"""

import hashlib
import re
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import http_date
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from files.services import file_link_grant, file_presigned_url, file_served_as, file_upload_receive
from kalpla.exceptions import error_body
from kalpla.integrations.s3 import DownloadGrant

CHUNK_BYTES = 64 * 1024
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(Exception):
    pass


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes, inclusive, of a single-range header; None to send it all.

    Malformed and multi-range headers are ignored (RFC 9110 lets servers send the whole
    representation instead). Raises RangeNotSatisfiable when the range misses the file.
    """
    match = RANGE_RE.match(header.replace(" ", ""))
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(0, size - suffix), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable
    return start, min(int(last) if last else size - 1, size - 1)


class _FileSlice:
    """Streams ``length`` bytes from ``start``; Django calls close() whatever happens."""

    def __init__(self, file: IO[bytes], start: int, length: int) -> None:
        self.file, self.start, self.remaining = file, start, length

    def __iter__(self) -> Iterator[bytes]:
        self.file.seek(self.start)
        while self.remaining > 0:
            chunk = self.file.read(min(CHUNK_BYTES, self.remaining))
            if not chunk:
                return
            self.remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        self.file.close()


class _IgnoreAccept(BaseContentNegotiation):
    """Media players send Accept: video/*; the answer is the file or a JSON error anyway."""

    def select_parser(self, request: Request, parsers: list) -> None:  # type: ignore[override]
        return None

    def select_renderer(  # type: ignore[override]
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], str(renderers[0].media_type)


class SignedFileView(APIView):
    """GET/HEAD of the file a signed link grants: the file, whole or one byte range (206),
    never cached publicly. Subclasses say what a token grants (``grant``); on S3 the answer
    is a redirect to a short presigned GET, so the grant is checked again on each refresh."""

    schema = None  # signed links handed out by the API, not API endpoints themselves
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _IgnoreAccept
    # A seeking video player fires many range requests; the signed token is the gate.
    throttle_classes: list = []

    def grant(self, request: Request, token: str) -> DownloadGrant:
        """What the token serves to this user; each subclass (a kind of link) says how."""
        raise NotImplementedError("SignedFileView subclasses define grant()")

    def get(self, request: Request, token: str) -> HttpResponseBase:
        grant = self.grant(request, token)
        if settings.AWS_STORAGE_BUCKET_NAME:
            url = file_presigned_url(grant=grant)
            return HttpResponseRedirect(url, headers={"Cache-Control": "no-store"})
        return _file_response(request, storages["default"], grant)


class FileDownloadView(SignedFileView):
    """/files/d/<token>/: the file a ``file_link_url`` link names, if the requesting user
    may still see it (the link's kind decides)."""

    def grant(self, request: Request, token: str) -> DownloadGrant:
        return file_link_grant(token=token, user=request.user)


def _file_response(request: Request, storage: Storage, grant: DownloadGrant) -> HttpResponseBase:
    try:
        size = storage.size(grant.name)
        modified = storage.get_modified_time(grant.name).timestamp()
    except (FileNotFoundError, NotImplementedError):
        raise NotFound(_("The file no longer exists.")) from None
    headers = _headers(grant, size=size, modified=modified)
    try:
        wanted = _wanted_range(
            request, size, validators=(headers["ETag"], headers["Last-Modified"])
        )
    except RangeNotSatisfiable:
        body = error_body(_("The requested range is not satisfiable."), "range_not_satisfiable")
        response = JsonResponse(body, status=status.HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    start, end = wanted or (0, size - 1)
    headers["Content-Length"] = str(end - start + 1)
    if wanted:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    code = status.HTTP_206_PARTIAL_CONTENT if wanted else status.HTTP_200_OK
    if request.method == "HEAD":
        return HttpResponse(status=code, headers=headers)
    try:
        file = storage.open(grant.name, "rb")
    except FileNotFoundError:
        raise NotFound(_("The file no longer exists.")) from None
    body_iter = _FileSlice(file, start, end - start + 1)
    return StreamingHttpResponse(body_iter, status=code, headers=headers)


def _wanted_range(
    request: Request, size: int, *, validators: tuple[str, str]
) -> tuple[int, int] | None:
    header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if not header or (if_range is not None and if_range not in validators):
        return None  # no range, or the client's copy is stale: send the whole file
    return byte_range(header, size)


def _headers(grant: DownloadGrant, *, size: int, modified: float) -> dict[str, str]:
    content_type, disposition = file_served_as(name=grant.name, filename=grant.filename)
    return {
        "Content-Type": content_type,
        "Content-Disposition": disposition,
        "Accept-Ranges": "bytes",
        "Cache-Control": "private",
        "X-Content-Type-Options": "nosniff",
        "ETag": '"{}"'.format(
            hashlib.sha256(f"{grant.name}:{size}:{modified}".encode()).hexdigest()[:32]
        ),
        "Last-Modified": http_date(modified),
    }


class _CapabilitySessionAuthentication(SessionAuthentication):
    """Session auth without DRF's CSRF check, for the signed upload URL only (see below)."""

    def enforce_csrf(self, request: Request) -> None:
        return None


def _without_csrf(cls: Any) -> type[BaseAuthentication]:
    return _CapabilitySessionAuthentication if cls is SessionAuthentication else cls


class FileUploadView(APIView):
    """POST /files/u/<token>/ (multipart, field ``file``): the local presigned POST.

    CSRF: the URL itself is the capability. It is signed, expires within minutes, is bound
    to the signed-in user who asked for it, and only lets that user store one file of the
    announced type and size under a random key of their own. A cross-site page cannot learn
    the token, and the mobile apps (X-Session-Token, no CSRF cookie) post to the same URL,
    so the session is accepted here without a CSRF token.
    """

    authentication_classes = [
        _without_csrf(cls) for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES
    ]
    schema = None  # the URL comes from an upload-start endpoint, like an S3 presigned POST
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    def post(self, request: Request, token: str) -> HttpResponseBase:
        try:
            key, info = file_upload_receive(
                token=token, user=request.user, file=request.FILES.get("file")
            )
        except ValidationError as exc:
            body = error_body(exc.messages[0], exc.code or "invalid", {"file": exc.messages})
            return JsonResponse(body, status=status.HTTP_400_BAD_REQUEST)
        return JsonResponse(
            {"key": key, "size": info.size, "content_type": info.content_type},
            status=status.HTTP_201_CREATED,
        )
