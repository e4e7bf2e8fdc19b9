"""API routes of mentorship's calendar (joined into mentorship/api/urls.py, under /api/v1/)."""

from django.urls import URLPattern, path

from mentorship.api import views_calendar as views

urlpatterns: list[URLPattern] = [
    path("me/calendar-feed/", views.CalendarFeedApi.as_view(), name="me-calendar-feed"),
    path(
        "me/calendar-feed/rotate/",
        views.CalendarFeedRotateApi.as_view(),
        name="me-calendar-feed-rotate",
    ),
    path("sessions/<int:session_id>/ics/", views.SessionIcsApi.as_view(), name="session-ics"),
]
