"""API routes of mentorship's progress (joined into mentorship/api/urls.py, under /api/v1/)."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
