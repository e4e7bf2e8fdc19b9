import hashlib
import zoneinfo
from collections.abc import Callable

from allauth.usersessions import app_settings as usersessions_settings
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Activate the signed-in user's language and time zone for the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        previous = translation.get_language()
        language = ""
        if user is not None and user.is_authenticated:
            if user.language:
                language = user.language
                translation.activate(language)
                request.LANGUAGE_CODE = language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone or "UTC"))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        try:
            response = self.get_response(request)
        finally:
            # Both are thread-local: leave the thread as it was found, or the next request it
            # serves (and, in tests, the next test) would run in this user's language.
            timezone.deactivate()
            if language and previous:
                translation.activate(previous)
            elif language:
                translation.deactivate()
        if language:
            response.headers.setdefault("Content-Language", language)
        return response


SESSION_ACTIVITY_INTERVAL = 60
"""Seconds between two records of a session's activity (allauth's "last seen", IP, browser)."""


class SessionActivityMiddleware:
    """allauth's session activity tracking, at most once a minute per session.

    allauth's own middleware reads and rewrites the session's row on every signed-in request;
    a cache key per session (``add`` only succeeds once per interval) spares those queries.
    Sign-in still records the session at once (allauth's ``user_logged_in`` receiver).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            usersessions_settings.TRACK_ACTIVITY
            and session is not None
            and session.session_key
            and user is not None
            and user.is_authenticated
        ):
            digest = hashlib.sha256(session.session_key.encode()).hexdigest()[:40]
            if cache.add(f"usersessions:seen:{digest}", 1, timeout=SESSION_ACTIVITY_INTERVAL):
                UserSession.objects.create_from_request(request)
        return self.get_response(request)
