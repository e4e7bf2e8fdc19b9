"""API routes of mentorship's meetings (joined into mentorship/api/urls.py, under /api/v1/)."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
