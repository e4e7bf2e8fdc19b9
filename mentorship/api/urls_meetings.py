"""API routes of mentorship's meetings (joined into mentorship/api/urls.py, under /api/v1/)."""

from django.urls import URLPattern, path

from mentorship.api.views_meetings import SessionJoinApi

urlpatterns: list[URLPattern] = [
    path("sessions/<int:session_id>/join/", SessionJoinApi.as_view(), name="sessions-join"),
]
