"""The CSRF token pages show: Django's masked token, with the mask drawn from one read of the
operating system's randomness instead of one per character.

Django masks the secret afresh for every response (against BREACH) with
``get_random_string``, which asks ``os.urandom`` once for each of the mask's 32 characters:
on a page with a form that is the costliest single step of rendering the top bar. The mask
here is drawn the same way (uniform over the same 62 characters: bytes that would favour
some are dropped) from one read, and the token is what ``django.middleware.csrf.get_token``
returns: ``CsrfViewMiddleware`` checks it unchanged. A request without a secret yet (a first
visit: 64 reads in Django, each letting go of the GIL, dozens of thread switches a page
under load) gets one drawn the same way and the cookie set, as ``get_token`` does.
"""

import secrets
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.functional import SimpleLazyObject

_BASE = len(CSRF_ALLOWED_CHARS)
_FAIR = 256 - 256 % _BASE
"""Bytes below this map onto the characters evenly (each byte value mod ``_BASE``)."""
_PLACE = {char: place for place, char in enumerate(CSRF_ALLOWED_CHARS)}


def _places(count: int) -> list[int]:
    """``count`` places in ``CSRF_ALLOWED_CHARS``, uniform, from one read of urandom (rarely
    more: bytes that would favour some characters are dropped)."""
    places: list[int] = []
    while len(places) < count:
        places += [byte % _BASE for byte in secrets.token_bytes(count + 8) if byte < _FAIR]
    return places[:count]


def masked_token(request: HttpRequest) -> str:
    """``get_token(request)``: the request's CSRF secret (made now if it has none), masked
    for this response."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        # what django.middleware.csrf._add_new_csrf_cookie does, with the secret from one read
        secret = "".join(CSRF_ALLOWED_CHARS[m] for m in _places(CSRF_SECRET_LENGTH))
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: the cookie is sent
    mask = _places(CSRF_SECRET_LENGTH)
    cipher = (
        CSRF_ALLOWED_CHARS[(_PLACE[char] + m) % _BASE] for char, m in zip(secret, mask, strict=True)
    )
    return "".join(CSRF_ALLOWED_CHARS[m] for m in mask) + "".join(cipher)


def csrf(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``csrf_token`` as Django's own gives it (listed after it, so this
    one is used), made only when a template shows it."""
    return {"csrf_token": SimpleLazyObject(lambda: masked_token(request))}
