"""Routes of the permission-checked file views (kalpla/services/files.py and views)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
