"""API routes of mentorship's directory (joined into mentorship/api/urls.py, under /api/v1/)."""

from django.urls import URLPattern, path

from mentorship.api import views_directory as views

urlpatterns: list[URLPattern] = [
    path("mentors/", views.MentorListApi.as_view(), name="mentors"),
    path("mentors/<int:mentor_profile_id>/", views.MentorDetailApi.as_view(), name="mentor"),
    path("me/mentor-profile/", views.MyMentorProfileApi.as_view(), name="me-mentor-profile"),
    path(
        "me/mentoring-preferences/",
        views.MyPreferencesApi.as_view(),
        name="me-mentoring-preferences",
    ),
    path("me/mentor-suggestions/", views.MySuggestionsApi.as_view(), name="me-mentor-suggestions"),
    path(
        "mentorship-requests/",
        views.MentorshipRequestListApi.as_view(),
        name="mentorship-requests",
    ),
    path(
        "mentorship-requests/<int:mentorship_request_id>/accept/",
        views.MentorshipRequestAcceptApi.as_view(),
        name="mentorship-request-accept",
    ),
    path(
        "mentorship-requests/<int:mentorship_request_id>/decline/",
        views.MentorshipRequestDeclineApi.as_view(),
        name="mentorship-request-decline",
    ),
    path(
        "mentorship-requests/<int:mentorship_request_id>/withdraw/",
        views.MentorshipRequestWithdrawApi.as_view(),
        name="mentorship-request-withdraw",
    ),
    path("mentorships/", views.MentorshipListApi.as_view(), name="mentorships"),
    path(
        "mentorships/<int:mentorship_id>/",
        views.MentorshipDetailApi.as_view(),
        name="mentorship",
    ),
    path(
        "mentorships/<int:mentorship_id>/pause/",
        views.MentorshipPauseApi.as_view(),
        name="mentorship-pause",
    ),
    path(
        "mentorships/<int:mentorship_id>/resume/",
        views.MentorshipResumeApi.as_view(),
        name="mentorship-resume",
    ),
    path(
        "mentorships/<int:mentorship_id>/end/",
        views.MentorshipEndApi.as_view(),
        name="mentorship-end",
    ),
]
