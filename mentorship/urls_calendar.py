"""Site routes of mentorship's calendar pages (joined into mentorship/urls.py)."""

from django.urls import URLPattern, path

from mentorship import views_calendar as views

urlpatterns: list[URLPattern] = [
    path("account/calendar/", views.calendar_settings, name="calendar"),
    path("account/calendar/new-link/", views.calendar_feed_rotate_view, name="calendar_rotate"),
    path("account/calendar/off/", views.calendar_feed_revoke_view, name="calendar_revoke"),
    # the secret link calendar apps subscribe to (no sign-in)
    path("calendar/<str:feed_token>.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "mentoring/sessions/<int:session_id>/invite.ics",
        views.session_invite,
        name="session_invite",
    ),
]
