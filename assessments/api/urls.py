"""API routes of the assessments app under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("lessons/<int:lesson_id>/quiz/", views.QuizApi.as_view(), name="lesson-quiz"),
    path(
        "lessons/<int:lesson_id>/quiz/attempts/",
        views.AttemptStartApi.as_view(),
        name="lesson-quiz-attempts",
    ),
    path("attempts/<int:attempt_id>/", views.AttemptApi.as_view(), name="attempt"),
    path(
        "attempts/<int:attempt_id>/answers/",
        views.AttemptAnswersApi.as_view(),
        name="attempt-answers",
    ),
    path(
        "attempts/<int:attempt_id>/questions/<int:position>/check/",
        views.AttemptCheckApi.as_view(),
        name="attempt-question-check",
    ),
    path(
        "attempts/<int:attempt_id>/submit/", views.AttemptSubmitApi.as_view(), name="attempt-submit"
    ),
]
