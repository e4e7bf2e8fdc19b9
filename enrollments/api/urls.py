"""API routes of the enrollments app under /api/v1/."""

from django.urls import URLPattern, path

from enrollments.api import views

urlpatterns: list[URLPattern] = [
    path("courses/<slug:slug>/enroll/", views.CourseEnrollApi.as_view(), name="course-enroll"),
    path("me/enrollments/", views.MyEnrollmentListApi.as_view(), name="me-enrollments"),
    path(
        "me/recommended-courses/",
        views.RecommendedCoursesApi.as_view(),
        name="me-recommended-courses",
    ),
]
