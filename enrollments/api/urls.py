"""API routes of the enrollments app under /api/v1/: enrolling, my enrollments, the lessons a
learner opens, and enrollment imports (CSV)."""

from django.urls import URLPattern, URLResolver, path

from enrollments.api import views, views_cohorts, views_imports, views_lessons

urlpatterns: list[URLPattern | URLResolver] = [
    path("courses/<slug:slug>/enroll/", views.CourseEnrollApi.as_view(), name="course-enroll"),
    path("me/enrollments/", views.MyEnrollmentListApi.as_view(), name="me-enrollments"),
    # cohorts and their waitlists
    path(
        "courses/<slug:slug>/cohorts/",
        views_cohorts.CourseCohortListApi.as_view(),
        name="course-cohorts",
    ),
    path("cohorts/<int:cohort_id>/", views_cohorts.CohortDetailApi.as_view(), name="cohort-detail"),
    path(
        "cohorts/<int:cohort_id>/roster/",
        views_cohorts.CohortRosterApi.as_view(),
        name="cohort-roster",
    ),
    path(
        "cohorts/<int:cohort_id>/waitlist/",
        views_cohorts.CohortWaitlistApi.as_view(),
        name="cohort-waitlist",
    ),
    path(
        "cohorts/<int:cohort_id>/waitlist/queue/",
        views_cohorts.CohortWaitlistQueueApi.as_view(),
        name="cohort-waitlist-queue",
    ),
    path(
        "cohorts/<int:cohort_id>/offer/accept/",
        views_cohorts.CohortOfferAcceptApi.as_view(),
        name="cohort-offer-accept",
    ),
    path(
        "cohorts/<int:cohort_id>/offer/decline/",
        views_cohorts.CohortOfferDeclineApi.as_view(),
        name="cohort-offer-decline",
    ),
    path(
        "enrollments/<int:enrollment_id>/cohort/",
        views_cohorts.EnrollmentCohortApi.as_view(),
        name="enrollment-cohort",
    ),
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
