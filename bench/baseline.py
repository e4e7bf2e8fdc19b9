"""The baseline: a bare Django JSON view (no database, no template, no session).

Mounted only by the bench's own URLconf (``bench.urls``), never by the site's.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path


def baseline(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("baseline/", baseline, name="bench-baseline")]
