"""The CSRF token pages show: Django's masked token, with the mask drawn from one read of the
operating system's randomness instead of one per character.

Django masks the secret afresh for every response (against BREACH) with
``get_random_string``, which asks ``os.urandom`` once for each of the mask's 32 characters:
on a page with a form that is the costliest single step of rendering the top bar. The mask
here is drawn the same way (uniform over the same 62 characters: bytes that would favour
some are dropped) from one read, and the token is what ``django.middleware.csrf.get_token``
returns: ``CsrfViewMiddleware`` checks it unchanged. A request without a secret yet goes
through ``get_token`` itself, which makes one and has the cookie set.
"""

import secrets
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils.functional import SimpleLazyObject

_BASE = len(CSRF_ALLOWED_CHARS)
_FAIR = 256 - 256 % _BASE
"""Bytes below this map onto the characters evenly (each byte value mod ``_BASE``)."""
_PLACE = {char: place for place, char in enumerate(CSRF_ALLOWED_CHARS)}


def masked_token(request: HttpRequest) -> str:
    """``get_token(request)``: the request's CSRF secret, masked for this response."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: the cookie is sent
    mask: list[int] = []
    while len(mask) < CSRF_SECRET_LENGTH:
        mask += [
            byte % _BASE for byte in secrets.token_bytes(CSRF_SECRET_LENGTH + 8) if byte < _FAIR
        ]
    mask = mask[:CSRF_SECRET_LENGTH]
    cipher = (
        CSRF_ALLOWED_CHARS[(_PLACE[char] + m) % _BASE] for char, m in zip(secret, mask, strict=True)
    )
    return "".join(CSRF_ALLOWED_CHARS[m] for m in mask) + "".join(cipher)


def csrf(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``csrf_token`` as Django's own gives it (listed after it, so this
    one is used), made only when a template shows it."""
    return {"csrf_token": SimpleLazyObject(lambda: masked_token(request))}
