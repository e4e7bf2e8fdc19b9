"""Site routes of the dashboards (joined into analytics/urls.py, under /analytics/)."""

from django.urls import URLPattern, path

from analytics import views_rollups as views

urlpatterns: list[URLPattern] = [
    path("", views.platform_dashboard, name="dashboard"),
    path("courses/", views.course_list, name="courses"),
    path("courses/<slug:slug>/", views.course_dashboard, name="course"),
]
