"""Site routes of A/B experiments (joined into analytics/urls.py, under /analytics/)."""

from django.urls import URLPattern, path

from analytics import views_experiments as views

E = "experiments/<slug:experiment_key>/"

urlpatterns: list[URLPattern] = [
    path("experiments/", views.experiment_index, name="experiments"),
    path("experiments/new/", views.experiment_new, name="experiment_new"),
    path(E, views.experiment_detail, name="experiment"),
    path(f"{E}edit/", views.experiment_edit, name="experiment_edit"),
    path(f"{E}start/", views.experiment_start, name="experiment_start"),
    path(f"{E}stop/", views.experiment_stop, name="experiment_stop"),
    path(f"{E}winner/", views.experiment_winner, name="experiment_winner"),
]
