from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from kalpla.exceptions import error_body


class BodySizeLimitMiddleware:
    """Refuse oversize non-upload bodies with 413 before anything reads them.

    DRF parses the request stream directly, which bypasses Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE check; multipart uploads are bounded separately.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.content_type == "multipart/form-data"
        limit = (
            settings.KALPLA_MAX_UPLOAD_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if limit and length > limit:
            message = _("The request body is too large (limit %(limit)d bytes).") % {"limit": limit}
            return JsonResponse(error_body(message, "request_too_large"), status=413)
        return self.get_response(request)
