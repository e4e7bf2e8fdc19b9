"""The project's URLs plus the development /media/ route (which kalpla.urls adds only with
DEBUG on, decided at import time)."""

from django.urls import path

from files.public_media import public_media
from kalpla.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

urlpatterns = [*urlpatterns, path("media/<path:path>", public_media, name="public_media")]
