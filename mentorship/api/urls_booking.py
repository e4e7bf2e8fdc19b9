"""API routes of mentorship's booking (joined into mentorship/api/urls.py, under /api/v1/)."""

from django.urls import URLPattern, path

from . import views_booking as views

urlpatterns: list[URLPattern] = [
    path(
        "mentors/<int:mentor_profile_id>/slots/",
        views.MentorSlotsApi.as_view(),
        name="mentor-slots",
    ),
    path("me/availability/rules/", views.MyRulesApi.as_view(), name="me-availability-rules"),
    path(
        "me/availability/rules/<int:rule_id>/",
        views.MyRuleApi.as_view(),
        name="me-availability-rule",
    ),
    path(
        "me/availability/exceptions/",
        views.MyExceptionsApi.as_view(),
        name="me-availability-exceptions",
    ),
    path(
        "me/availability/exceptions/<int:exception_id>/",
        views.MyExceptionApi.as_view(),
        name="me-availability-exception",
    ),
    path("me/sessions/", views.MySessionsApi.as_view(), name="me-sessions"),
    path(
        "mentorships/<int:mentorship_id>/sessions/",
        views.MentorshipSessionsApi.as_view(),
        name="mentorship-sessions",
    ),
    path("sessions/<int:session_id>/", views.SessionApi.as_view(), name="session"),
    path(
        "sessions/<int:session_id>/cancel/",
        views.SessionCancelApi.as_view(),
        name="session-cancel",
    ),
    path(
        "sessions/<int:session_id>/reschedule/",
        views.SessionRescheduleApi.as_view(),
        name="session-reschedule",
    ),
]
