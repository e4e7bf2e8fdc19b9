"""The site's URLs plus the baseline view at /bench/baseline/ (bench runs only)."""

from django.urls import include, path

from kalpla.urls import handler400, handler403, handler404, handler500  # noqa: F401
from kalpla.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("bench/", include("bench.baseline")), *site_urlpatterns]
