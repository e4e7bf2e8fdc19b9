"""Site routes of mentorship's progress pages (joined into mentorship/urls.py)."""

from django.urls import URLPattern, path

from mentorship import views_progress as views

M = "mentoring/<int:mentorship_id>/"
S = "mentoring/sessions/<int:session_id>/"

urlpatterns: list[URLPattern] = [
    # the session page's outcome: notes, rating, no-show
    path(f"{S}notes/add/", views.note_add, name="progress_note_add"),
    path(f"{S}notes/<int:note_id>/edit/", views.note_edit, name="progress_note_edit"),
    path(f"{S}notes/<int:note_id>/delete/", views.note_delete, name="progress_note_delete"),
    path(f"{S}rate/", views.session_rate, name="progress_session_rate"),
    path(f"{S}no-show/", views.session_no_show, name="progress_session_no_show"),
    # the mentorship page: action items, goals, milestones, updates, the timeline
    path(f"{M}action-items/add/", views.action_item_add, name="progress_action_item_add"),
    path(
        f"{M}action-items/<int:action_item_id>/done/",
        views.action_item_toggle,
        name="progress_action_item_toggle",
    ),
    path(
        f"{M}action-items/<int:action_item_id>/delete/",
        views.action_item_delete,
        name="progress_action_item_delete",
    ),
    path(f"{M}goals/add/", views.goal_add, name="progress_goal_add"),
    path(f"{M}goals/<int:goal_id>/edit/", views.goal_edit, name="progress_goal_edit"),
    path(f"{M}goals/<int:goal_id>/status/", views.goal_status, name="progress_goal_status"),
    path(f"{M}goals/<int:goal_id>/delete/", views.goal_delete, name="progress_goal_delete"),
    path(
        f"{M}goals/<int:goal_id>/milestones/add/",
        views.milestone_add,
        name="progress_milestone_add",
    ),
    path(
        f"{M}goals/milestones/<int:milestone_id>/done/",
        views.milestone_toggle,
        name="progress_milestone_toggle",
    ),
    path(
        f"{M}goals/milestones/<int:milestone_id>/move/",
        views.milestone_move,
        name="progress_milestone_move",
    ),
    path(
        f"{M}goals/milestones/<int:milestone_id>/delete/",
        views.milestone_delete,
        name="progress_milestone_delete",
    ),
    path(f"{M}updates/add/", views.update_add, name="progress_update_add"),
    path(f"{M}timeline/", views.timeline, name="progress_timeline"),
]
