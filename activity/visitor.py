"""A first-party visitor id for people who are not signed in (analytics and experiments).

``visitor_id(request)`` reads the ``kalpla_vid`` cookie, or makes a new id that
``VisitorIdMiddleware`` sets on the response. Only requests that ask for it get the cookie, so
pages that never track or branch set none. On sign-up the analytics app links the id's earlier
events and experiment assignments to the new account.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any, cast

from django.http import HttpRequest, HttpResponse

from activity.tracking import track

COOKIE = "kalpla_vid"
MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
_VALID = re.compile(r"^[0-9a-f]{32}$")


def visitor_id(request: HttpRequest, *, create: bool = True) -> str:
    """The visitor's id from the cookie, or a new one set on the response.

    ``create=False`` only reads: "" when the browser has no id yet.
    """
    # A DRF Request wraps the Django request the middleware sees: remember the id on that one.
    request = cast(HttpRequest, getattr(request, "_request", request))
    current = getattr(request, "_kalpla_visitor_id", None)
    if current:
        return current
    value = request.COOKIES.get(COOKIE, "")
    if not _VALID.match(value):
        if not create:
            return ""
        value = uuid.uuid4().hex
        request._kalpla_visitor_new = True  # type: ignore[attr-defined]
    request._kalpla_visitor_id = value  # type: ignore[attr-defined]
    return value


class VisitorIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_kalpla_visitor_new", False):
            response.set_cookie(
                COOKIE,
                request._kalpla_visitor_id,  # type: ignore[attr-defined]
                max_age=MAX_AGE,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response


def track_view(request: HttpRequest, *, verb: str, object: Any, platform: str = "web") -> None:
    """Report that the person behind ``request`` viewed ``object`` (a page or an API read).

    Signed-in users are the actor; anonymous visitors are known by their first-party id
    (made here for the site's pages; API reads use it when the client sends it).
    """
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    context: dict[str, Any] = {"platform": platform}
    if not signed_in:
        # An API client is known by the cookie only if it keeps one: a new id on every
        # answer to an app that does not would count each of its reads as a new visitor.
        context["anonymous_id"] = visitor_id(request, create=platform != "api")
    track(actor=user if signed_in else None, verb=verb, object=object, context=context)
