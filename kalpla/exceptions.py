"""What went wrong, said once: the errors services raise, and the one place that turns them
into HTTP (the DRF exception handler below; ``kalpla/errors.py`` for site views).

Services raise errors that say what happened, never which status to send::

    raise NotFound(_("Not found."))
    raise PermissionDenied(_("Only moderators can hide reviews."), code="not_moderator")
    raise PaymentRequired(_("This course is paid."), code="payment_required")

``ApplicationError`` itself is a rule the input broke (400, like ``ValidationError``).
``PermissionDenied`` is also Django's ``PermissionDenied`` and ``NotFound`` is also
``Http404``: a site view that does not catch them answers with the 403 or 404 page.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """An expected failure of a business rule; becomes a 4xx with a human message."""

    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.errors = errors or {}


class ValidationError(ApplicationError):
    """The input breaks a rule; ``errors`` names the fields when it can."""


class NotAuthenticated(ApplicationError):
    """Only a signed-in user may do this."""

    default_code = "not_authenticated"


class PermissionDenied(ApplicationError, DjangoPermissionDenied):
    """The user is known but may not do this."""

    default_code = "permission_denied"


class NotFound(ApplicationError, Http404):
    """There is no such thing, or the user may not know that it exists."""

    default_code = "not_found"


class Conflict(ApplicationError):
    """The thing is not in a state that allows this (already decided, already running)."""

    default_code = "conflict"


class PaymentRequired(ApplicationError):
    default_code = "payment_required"


class Throttled(ApplicationError):
    """Too soon; ``retry_after`` (seconds) says when to try again."""

    default_code = "throttled"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class Unavailable(ApplicationError):
    """A service we depend on is down; trying again later may work."""

    default_code = "unavailable"


_STATUS: dict[type[ApplicationError], int] = {
    NotAuthenticated: 401,
    PaymentRequired: 402,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    Throttled: 429,
    Unavailable: 503,
}


def error_status(exc: ApplicationError) -> int:
    """The HTTP status that answers ``exc``: its nearest kind's, else 400."""
    for kind in type(exc).__mro__:
        if kind in _STATUS:
            return _STATUS[kind]
    return 400


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested ErrorDetail structures as one level of field paths, each with its
    messages: ``{"answers.1.position": ["A valid integer is required."]}``."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        out = {}
        for index, item in enumerate(detail):
            out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    messages = [str(item) for item in detail] if isinstance(detail, list) else [str(detail)]
    return {prefix or "non_field_errors": messages} if messages else {}


def error_body(message: object, code: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": str(message), "code": code}
    if errors:
        body["errors"] = errors
    return body


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Throttled):
        # DRF's own 429: the same body as every throttled answer, with Retry-After
        exc = exceptions.Throttled(wait=exc.retry_after, detail=exc.message, code=exc.code)
    elif isinstance(exc, ApplicationError):
        return Response(
            error_body(exc.message, exc.code, exc.errors or None), status=error_status(exc)
        )
    elif isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response

    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        response.data = error_body(_("Please correct the errors below."), "invalid", errors)
    else:
        detail = exc.detail
        if isinstance(detail, dict | list):
            response.data = error_body(str(exc.default_detail), exc.default_code, _flatten(detail))
        else:
            code = getattr(detail, "code", None) or exc.default_code
            response.data = error_body(str(detail), str(code))
    return response
