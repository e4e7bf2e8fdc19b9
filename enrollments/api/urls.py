"""API routes of the enrollments app under /api/v1/: enrolling, my enrollments, the lessons a
learner opens, and enrollment imports (CSV)."""

from django.urls import URLPattern, URLResolver, path

from enrollments.api import views, views_imports, views_lessons

urlpatterns: list[URLPattern | URLResolver] = [
    path("courses/<slug:slug>/enroll/", views.CourseEnrollApi.as_view(), name="course-enroll"),
    path("me/enrollments/", views.MyEnrollmentListApi.as_view(), name="me-enrollments"),
    path(
        "me/recommended-courses/",
        views.RecommendedCoursesApi.as_view(),
        name="me-recommended-courses",
    ),
    path("lessons/<int:lesson_id>/", views_lessons.LessonDetailApi.as_view(), name="lesson-detail"),
    path(
        "lessons/<int:lesson_id>/progress/",
        views_lessons.LessonProgressApi.as_view(),
        name="lesson-progress",
    ),
    path(
        "lessons/<int:lesson_id>/complete/",
        views_lessons.LessonCompleteApi.as_view(),
        name="lesson-complete",
    ),
    path(
        "enrollment-imports/",
        views_imports.EnrollmentImportListApi.as_view(),
        name="enrollment-imports",
    ),
    path(
        "enrollment-imports/<int:import_id>/",
        views_imports.EnrollmentImportDetailApi.as_view(),
        name="enrollment-import-detail",
    ),
    path(
        "enrollment-imports/<int:import_id>/errors/",
        views_imports.EnrollmentImportErrorsApi.as_view(),
        name="enrollment-import-errors",
    ),
]
