"""Site routes of mentorship's directory pages (joined into mentorship/urls.py)."""

from django.urls import URLPattern, path

from mentorship import views_directory as views

urlpatterns: list[URLPattern] = [
    path("mentors/", views.directory, name="directory"),
    path("mentors/me/", views.my_profile, name="my_profile"),
    path("mentors/suggested/", views.suggested, name="suggested"),
    path("mentors/<int:mentor_profile_id>/", views.mentor_detail, name="mentor"),
    path("mentors/<int:mentor_profile_id>/request/", views.mentor_request, name="mentor_request"),
    path("mentoring/", views.mentorships, name="mentorships"),
    path("mentoring/preferences/", views.preferences, name="preferences"),
    path("mentoring/requests/", views.requests_page, name="requests"),
    path(
        "mentoring/requests/<int:mentorship_request_id>/accept/",
        views.request_accept,
        name="request_accept",
    ),
    path(
        "mentoring/requests/<int:mentorship_request_id>/decline/",
        views.request_decline,
        name="request_decline",
    ),
    path(
        "mentoring/requests/<int:mentorship_request_id>/withdraw/",
        views.request_withdraw,
        name="request_withdraw",
    ),
    path("mentoring/<int:mentorship_id>/", views.mentorship_detail, name="mentorship"),
    path("mentoring/<int:mentorship_id>/pause/", views.mentorship_pause, name="mentorship_pause"),
    path(
        "mentoring/<int:mentorship_id>/resume/",
        views.mentorship_resume,
        name="mentorship_resume",
    ),
    path("mentoring/<int:mentorship_id>/end/", views.mentorship_end, name="mentorship_end"),
]
