"""Site routes of the assessments app, mounted at /quizzes/."""

from django.urls import URLPattern, path

from . import views

app_name = "assessments"

urlpatterns: list[URLPattern] = [
    path("lessons/<int:lesson_id>/", views.quiz_start, name="quiz"),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/finish/", views.attempt_finish, name="attempt_finish"),
    path("attempts/<int:attempt_id>/submit/", views.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/review/", views.attempt_review, name="attempt_review"),
]
