"""Site routes of mentorship's progress pages (joined into mentorship/urls.py)."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
