"""Error pages: JSON under /api/ (the API.md error format), templates everywhere else."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from kalpla.exceptions import error_body


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/_allauth/"))


def bad_request(request: HttpRequest, exception: Any) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            error_body(_("The request could not be understood."), "bad_request"), status=400
        )
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Any) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            error_body(
                _("You do not have permission to perform this action."), "permission_denied"
            ),
            status=403,
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Any) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body(_("Not found."), "not_found"), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            error_body(_("Something went wrong on our side. Please try again."), "server_error"),
            status=500,
        )
    return defaults.server_error(request)
