"""API routes of A/B experiments (joined into analytics/api/urls.py, under /api/v1/)."""

from django.urls import URLPattern, path

from analytics.api import views_experiments as views

E = "analytics/experiments/<slug:experiment_key>/"

urlpatterns: list[URLPattern] = [
    path("analytics/experiments/", views.ExperimentsApi.as_view(), name="analytics-experiments"),
    path(E, views.ExperimentDetailApi.as_view(), name="analytics-experiment"),
    path(f"{E}start/", views.ExperimentStartApi.as_view(), name="analytics-experiment-start"),
    path(f"{E}stop/", views.ExperimentStopApi.as_view(), name="analytics-experiment-stop"),
    path(f"{E}winner/", views.ExperimentWinnerApi.as_view(), name="analytics-experiment-winner"),
    path(f"{E}results/", views.ExperimentResultsApi.as_view(), name="analytics-experiment-results"),
    path(
        "experiments/<slug:experiment_key>/assignment/",
        views.AssignmentApi.as_view(),
        name="experiment-assignment",
    ),
]
