"""The project's URLs plus the development-only /media/ route, so the matrix covers it too."""

from files.tests.urls_debug_media import (  # noqa: F401
    handler400,
    handler403,
    handler404,
    handler500,
    urlpatterns,
)
