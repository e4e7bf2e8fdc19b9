"""Public media in development: /media/<path> for the few public prefixes, nothing else.

Only routed when DEBUG is on and no S3 bucket is set (kalpla/urls.py); private files are
reachable only through the permission-checked /files/ views. The URL regex alone is no
gate: ``public/../courses/media/x.webm`` matches ``public/.+``, and ``serve()`` would then
normalise the ``..`` away. So the path is resolved first and checked afterwards.
"""

import posixpath
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.static import serve

PUBLIC_PREFIXES = ("public", "avatars", "courses/covers", "demo/covers")


def public_media_path(path: str) -> str | None:
    """``path`` as a clean relative name under a public prefix, or None to refuse it.

    Refuses dot segments, empty segments, backslashes and NUL bytes outright (no
    normalising them into something else), and any name whose real location, symlinks
    resolved, is not inside a public prefix of MEDIA_ROOT.
    """
    if "\\" in path or "\x00" in path:
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    name = posixpath.join(*parts)
    root = Path(str(settings.MEDIA_ROOT)).resolve()
    real = (root / name).resolve()
    for prefix in PUBLIC_PREFIXES:
        if real.is_relative_to(root / prefix) and name.startswith(prefix + "/"):
            return name
    return None


def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    name = public_media_path(path)
    if name is None:
        raise Http404
    return serve(request, name, document_root=str(settings.MEDIA_ROOT))
