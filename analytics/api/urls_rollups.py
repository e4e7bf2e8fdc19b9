"""API routes of the analytics figures (joined into analytics/api/urls.py, under /api/v1/)."""

from django.urls import URLPattern, path

from analytics.api import views_rollups as views

urlpatterns: list[URLPattern] = [
    path("analytics/overview/", views.OverviewApi.as_view(), name="analytics-overview"),
    path("analytics/courses/", views.CourseListApi.as_view(), name="analytics-courses"),
    path(
        "analytics/courses/<slug:slug>/",
        views.CourseOverviewApi.as_view(),
        name="analytics-course",
    ),
    path(
        "analytics/courses/<slug:slug>/lessons/",
        views.CourseLessonsApi.as_view(),
        name="analytics-course-lessons",
    ),
]
