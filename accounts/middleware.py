import hashlib
import time
import zoneinfo
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from allauth.usersessions import app_settings as usersessions_settings
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cached_db import SessionStore as CachedSessionStore
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from accounts.cache import session_user_get, session_user_key
from accounts.models import User
from kalpla.cache import PageReads, cache_read_ahead, page_reads_of


def session_user(request: HttpRequest) -> Any:
    """``django.contrib.auth.get_user`` with the user read through ``session_user_get`` (the
    cache) instead of a query per request, in the round trip that reads the session; the
    session checks are Django's, unchanged."""
    session = request.session
    session_key = session.session_key
    if not session_key:  # not saved yet: nothing to read, nothing to cache under
        return _session_user(request, None)
    ahead = [session_user_key(session_key)]
    plain = [session.cache_key] if isinstance(session, CachedSessionStore) else []
    with cache_read_ahead(ahead, plain=plain):
        return _session_user(request, session_key)


def _session_user(request: HttpRequest, session_key: str | None) -> Any:
    try:
        user_id = User._meta.pk.to_python(request.session[auth.SESSION_KEY])
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    backend = auth.load_backend(backend_path)
    user = session_user_get(backend=backend, user_id=user_id, session_key=session_key)
    if user is None:
        return AnonymousUser()
    session_hash = request.session.get(auth.HASH_SESSION_KEY)
    session_auth_hash = user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, session_auth_hash):
        if session_key:
            _session_user_remember(session_key, user)
        return user
    # Not signed with the current secret: rotate to it when a fallback secret signed it.
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[auth.HASH_SESSION_KEY] = session_auth_hash
        return user
    request.session.flush()
    return AnonymousUser()


_SESSION_USERS: dict[str, tuple[int, str]] = {}
"""Session key -> (user id, language) of the user it named on its last request to this
process: which user's entries ``PageReadAheadMiddleware`` reads with the session. A guess
(never trusted for anything but picking keys). Bounded: cleared once it is full."""
_SESSION_USERS_MAX = 10_000


def _session_user_remember(session_key: str, user: Any) -> None:
    if len(_SESSION_USERS) >= _SESSION_USERS_MAX:
        _SESSION_USERS.clear()
    _SESSION_USERS[session_key] = (user.pk, user.language or "")


@lru_cache(maxsize=2048)
def _page_reads(path: str, urlconf: str | None) -> tuple[PageReads, dict[str, Any]] | None:
    """The reads the view at ``path`` declared and its URL's arguments (None: none), kept per
    process for the paths asked lately (the handler resolves the path again: Django has no
    hook to hand it this match, and resolving is the dearer half of this middleware)."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    reads = page_reads_of(match.func)
    return None if reads is None else (reads, match.kwargs)


class PageReadAheadMiddleware:
    """A page that declares what it reads from the cache (``kalpla.cache.page_reads_ahead``)
    has it read with the session and its user: one round trip for the request instead of one
    for the session and one for the page. The entries are the signed-in user's the session
    named on its last request here (or a signed-out visitor's); the view still asks for its
    viewer's own, so another user's are read but never used. Placed after
    ``AuthenticationMiddleware``, before anything asks for the user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        declared = _page_reads(request.path_info, get_urlconf())
        if declared is None:
            return self.get_response(request)
        reads, url_kwargs = declared
        session = request.session
        session_key = session.session_key
        user_id, language = _SESSION_USERS.get(session_key or "", (None, ""))
        if language:  # the keys name the language the user's pages are shown in
            with translation.override(language):
                keys, plain = reads(request, user_id, **url_kwargs)
        else:
            keys, plain = reads(request, user_id, **url_kwargs)
        if session_key:
            keys = [*keys, session_user_key(session_key)]
            if isinstance(session, CachedSessionStore):
                plain = [*plain, session.cache_key]
        with cache_read_ahead(keys, plain=plain):
            return self.get_response(request)


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with ``request.user`` from ``session_user`` (cached between requests)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user_once(request))  # type: ignore[assignment]


def _user_once(request: HttpRequest) -> Any:
    """The request's user; once known, ``request.user`` is the user itself (as after
    ``auth.login``), so views and templates stop going through the lazy proxy, which costs
    a Python-level lookup on every attribute (hundreds on a page with the top bar)."""
    user = session_user(request)
    request.user = user
    return user


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

_SEEN_HERE: dict[str, float] = {}
"""Sessions this process recorded or found recorded lately, until when (monotonic): their
next requests skip the cache's ``add`` too. Bounded: expired marks go once it grows."""
_SEEN_HERE_MAX = 10_000


def _seen_here(digest: str) -> bool:
    now = time.monotonic()
    until = _SEEN_HERE.get(digest)
    if until is not None and until > now:
        return True
    if len(_SEEN_HERE) >= _SEEN_HERE_MAX:
        for key, expiry in list(_SEEN_HERE.items()):
            if expiry <= now:
                _SEEN_HERE.pop(key, None)
        if len(_SEEN_HERE) >= _SEEN_HERE_MAX:
            _SEEN_HERE.clear()
    _SEEN_HERE[digest] = now + SESSION_ACTIVITY_INTERVAL
    return False


class SessionActivityMiddleware:
    """allauth's session activity tracking, at most once a minute per session.

    allauth's own middleware reads and rewrites the session's row on every signed-in request;
    a cache key per session (``add`` only succeeds once per interval) spares those queries,
    and a mark in the process spares the ``add`` for the rest of the interval. Sign-in still
    records the session at once (allauth's ``user_logged_in`` receiver).
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
            if not _seen_here(digest) and cache.add(
                f"usersessions:seen:{digest}", 1, timeout=SESSION_ACTIVITY_INTERVAL
            ):
                UserSession.objects.create_from_request(request)
        return self.get_response(request)
