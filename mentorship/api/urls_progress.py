"""API routes of mentorship's progress (joined into mentorship/api/urls.py, under /api/v1/)."""

from django.urls import URLPattern, path

from mentorship.api import views_progress as views

urlpatterns: list[URLPattern] = [
    path(
        "sessions/<int:session_id>/notes/",
        views.SessionNotesApi.as_view(),
        name="mentoring-session-notes",
    ),
    path("notes/<int:note_id>/", views.NoteDetailApi.as_view(), name="mentoring-note"),
    path(
        "mentorships/<int:mentorship_id>/action-items/",
        views.MentorshipActionItemsApi.as_view(),
        name="mentoring-action-items",
    ),
    path(
        "action-items/<int:action_item_id>/",
        views.ActionItemDetailApi.as_view(),
        name="mentoring-action-item",
    ),
    path(
        "sessions/<int:session_id>/rating/",
        views.SessionRatingApi.as_view(),
        name="mentoring-session-rating",
    ),
    path(
        "sessions/<int:session_id>/no-show/",
        views.SessionNoShowApi.as_view(),
        name="mentoring-session-no-show",
    ),
    path(
        "mentorships/<int:mentorship_id>/goals/",
        views.MentorshipGoalsApi.as_view(),
        name="mentoring-goals",
    ),
    path("goals/<int:goal_id>/", views.GoalDetailApi.as_view(), name="mentoring-goal"),
    path(
        "goals/<int:goal_id>/milestones/",
        views.GoalMilestonesApi.as_view(),
        name="mentoring-goal-milestones",
    ),
    path(
        "milestones/<int:milestone_id>/",
        views.MilestoneDetailApi.as_view(),
        name="mentoring-milestone",
    ),
    path(
        "mentorships/<int:mentorship_id>/updates/",
        views.MentorshipUpdatesApi.as_view(),
        name="mentoring-updates",
    ),
    path(
        "mentorships/<int:mentorship_id>/timeline/",
        views.MentorshipTimelineApi.as_view(),
        name="mentoring-timeline",
    ),
    path(
        "me/mentoring-overview/",
        views.MentoringOverviewApi.as_view(),
        name="me-mentoring-overview",
    ),
]
