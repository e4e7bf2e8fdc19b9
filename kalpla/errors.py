"""Error pages: JSON under /api/ (the API.md error format), templates everywhere else; and
the helpers that show a service's error on a site page."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware import common
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from kalpla.exceptions import ApplicationError, NotFound, PermissionDenied, error_body, error_status

API_PREFIXES = ("/api/", "/_allauth/")
# Status -> (message, code) of the answers Django itself gives, not our views.
API_ERRORS: dict[int, tuple[Any, str]] = {
    400: (_("The request could not be understood."), "bad_request"),
    403: (_("You do not have permission to perform this action."), "permission_denied"),
    404: (_("Not found."), "not_found"),
    405: (_("This method is not allowed here."), "method_not_allowed"),
    413: (_("The request body is too large."), "request_too_large"),
    500: (_("Something went wrong on our side. Please try again."), "server_error"),
}
KEPT_HEADERS = ("Allow", "Retry-After")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


def api_error_response(status: int) -> JsonResponse:
    message, code = API_ERRORS.get(status, (_("The request failed."), "error"))
    return JsonResponse(error_body(message, code), status=status)


class ApiJsonErrorsMiddleware:
    """Under /api/, any error answer that is not JSON (Django's debug pages for unknown URLs,
    a CSRF failure, a 405 of a plain Django view) becomes the API error format."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not _is_api(request)
            # Django's own pages are text; our views' answers (JSON, the schema) stay as they are
            or not response.get("Content-Type", "").startswith("text/")
        ):
            return response
        replacement = api_error_response(response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                replacement[header] = response[header]
        return replacement

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # JSON nested deeper than Python's parser can hold ([ x 50,000) raises RecursionError
        # wherever a body is parsed (allauth's headless views parse their own): a client error.
        if isinstance(exception, RecursionError) and "json" in (request.content_type or ""):
            message = _("JSON parse error - the document is nested too deeply.")
            return JsonResponse(error_body(message, "parse_error"), status=400)
        return None


class CommonMiddleware(common.CommonMiddleware):
    """Django's, except that under /api/ a path missing its trailing slash is a JSON 404.

    Django redirects it (301, which turns a POST into a GET) or, in debug mode, raises a
    RuntimeError for a POST (a 500). An API client should fix the URL instead: the answer
    names the right one.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            response.status_code == 404
            and _is_api(request)
            and self.should_redirect_with_slash(request)
        ):
            message = _("Not found. API paths end with a slash: %(path)s") % {
                "path": f"{request.path}/"
            }
            return JsonResponse(error_body(message, "not_found"), status=404)
        return super().process_response(request, response)


def bad_request(request: HttpRequest, exception: Any) -> HttpResponse:
    if _is_api(request):
        return api_error_response(400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Any) -> HttpResponse:
    if _is_api(request):
        return api_error_response(403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Any) -> HttpResponse:
    if _is_api(request):
        return api_error_response(404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return api_error_response(500)
    return defaults.server_error(request)


# --- a service's error on a site page ----------------------------------------------------------
#
# Refusals (kalpla.exceptions.PermissionDenied, NotFound) are Django's own PermissionDenied and
# Http404: a view that lets them through answers with the 403 or 404 page. The helpers below
# are for the errors a page shows: next to the form's fields, as a message, or as JSON for
# the page's scripts (with the status the API would send). A view calls ``service_run``:
#
#     done = service_run(request, partial(module_create, user=user, course=course, **data),
#                        form=form, success=_("Module added."))
#     if done.ok:
#         return redirect(...)
#     return render(...)  # the form shows the service's errors next to its fields

ServiceError = ApplicationError | DjangoValidationError
T = TypeVar("T")
REFUSALS: tuple[type[Exception], ...] = (PermissionDenied, NotFound)


@dataclass(frozen=True)
class ServiceOutcome(Generic[T]):
    """What ``service_run`` got from the service: its result, or the error it showed."""

    value: T | None = None
    error: ServiceError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def result(self) -> T:
        """The service's return value (only after it succeeded)."""
        assert self.error is None, "the service failed: there is no result"
        return self.value  # type: ignore[return-value]

    def json(self) -> JsonResponse:
        """The failure as the page's scripts get it (``as_json``): the API's body and status."""
        assert self.error is not None
        return service_error_json(self.error)


def service_run(
    request: HttpRequest,
    call: Callable[[], T],
    *,
    form: forms.BaseForm | None = None,
    success: str | Callable[[T], str] | None = None,
    as_json: bool = False,
    raises: tuple[type[Exception], ...] = REFUSALS,
) -> ServiceOutcome[T]:
    """Run ``call`` (a service with its arguments bound) and show the page what happened.

    On success, ``success`` (a text, or made from the service's result) becomes a success
    message. A service error goes next to ``form``'s fields, or without a form into an error
    message. With ``as_json`` (a page's script asked) nothing is shown: answer with
    ``outcome.json()``, refusals included. Otherwise the errors in ``raises`` (by default
    refusals: PermissionDenied, NotFound) are not caught, so they answer with the 403 or 404
    page; pass ``raises=()`` where a refusal is a message for the user.
    """
    try:
        value = call()
    except (ApplicationError, DjangoValidationError) as exc:
        if as_json:
            return ServiceOutcome(error=exc)
        if isinstance(exc, raises):
            raise
        if form is not None:
            service_error_to_form(form, exc)
        else:
            service_error_message(request, exc)
        return ServiceOutcome(error=exc)
    if success is not None and not as_json:
        messages.success(request, success(value) if callable(success) else success)
    return ServiceOutcome(value=value)


def service_error_text(exc: ServiceError) -> str:
    if isinstance(exc, ApplicationError):
        return exc.message
    return " ".join(exc.messages)


def service_error_to_form(form: forms.BaseForm, exc: ServiceError) -> None:
    """Put a service's errors next to the fields they are about (the rest above the form)."""
    if isinstance(exc, ApplicationError):
        form.add_error(None, exc.message)
        for name, errors in exc.errors.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def service_error_message(request: HttpRequest, exc: ServiceError) -> None:
    messages.error(request, service_error_text(exc))


def service_error_json(exc: ServiceError) -> JsonResponse:
    """The API's error body and status, for a page's own JSON endpoints."""
    if isinstance(exc, ApplicationError):
        body = error_body(exc.message, exc.code, exc.errors or None)
        return JsonResponse(body, status=error_status(exc))
    code = getattr(exc, "code", None) or "invalid"
    return JsonResponse(error_body(" ".join(exc.messages), code), status=400)
