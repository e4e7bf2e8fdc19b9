"""Site routes of mentorship's booking pages (joined into mentorship/urls.py)."""

from django.urls import URLPattern, path

from mentorship import views_booking as views

urlpatterns: list[URLPattern] = [
    path("mentoring/availability/", views.availability, name="availability"),
    path(
        "mentoring/availability/rules/new/",
        views.availability_rule_new,
        name="availability_rule_new",
    ),
    path(
        "mentoring/availability/rules/<int:rule_id>/",
        views.availability_rule_edit,
        name="availability_rule_edit",
    ),
    path(
        "mentoring/availability/rules/<int:rule_id>/delete/",
        views.availability_rule_delete,
        name="availability_rule_delete",
    ),
    path(
        "mentoring/availability/exceptions/new/",
        views.availability_exception_new,
        name="availability_exception_new",
    ),
    path(
        "mentoring/availability/exceptions/<int:exception_id>/",
        views.availability_exception_edit,
        name="availability_exception_edit",
    ),
    path(
        "mentoring/availability/exceptions/<int:exception_id>/delete/",
        views.availability_exception_delete,
        name="availability_exception_delete",
    ),
    path("mentoring/<int:mentorship_id>/book/", views.book, name="book"),
    path("mentoring/sessions/", views.sessions, name="sessions"),
    path("mentoring/sessions/<int:session_id>/", views.session_detail, name="session"),
    path(
        "mentoring/sessions/<int:session_id>/cancel/",
        views.session_cancel,
        name="session_cancel",
    ),
    path(
        "mentoring/sessions/<int:session_id>/reschedule/",
        views.session_reschedule,
        name="session_reschedule",
    ),
]
