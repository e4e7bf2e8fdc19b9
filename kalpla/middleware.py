from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from kalpla.body_limits import body_limit, too_large_body


class BodySizeLimitMiddleware:
    """Refuse oversize bodies with 413 on their announced length, before anything reads them.

    Under ASGI, kalpla.body_limits.BodyLimitMiddleware already did this (and counted
    chunked bodies); this keeps the same limits for WSGI servers, where Django reads no
    more than the announced length. DRF parses the request stream directly, which bypasses
    Django's DATA_UPLOAD_MAX_MEMORY_SIZE check.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit(path=request.path, content_type=request.META.get("CONTENT_TYPE", ""))
        if limit and length > limit:
            return JsonResponse(too_large_body(limit), status=413)
        return self.get_response(request)
