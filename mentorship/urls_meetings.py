"""Site routes of mentorship's meetings pages (joined into mentorship/urls.py)."""

from django.urls import URLPattern, path

from mentorship import views_meetings

urlpatterns: list[URLPattern] = [
    path(
        "mentoring/sessions/<int:session_id>/meeting/",
        views_meetings.meeting,
        name="meeting",
    ),
]
