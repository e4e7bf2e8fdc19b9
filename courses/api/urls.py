"""API routes of the courses app under /api/v1/ (the lesson endpoints are enrollments')."""

from django.urls import URLPattern, path

from courses.api import views_authoring as authoring
from courses.api import views_catalogue as catalogue

urlpatterns: list[URLPattern] = [
    path("courses/", catalogue.CourseListApi.as_view(), name="course-list"),
    path("categories/", catalogue.CategoryListApi.as_view(), name="category-list"),
    path("courses/<slug:slug>/", catalogue.CourseDetailApi.as_view(), name="course-detail"),
    path(
        "courses/<slug:slug>/reviews/",
        catalogue.CourseReviewListApi.as_view(),
        name="course-reviews",
    ),
    path("reviews/<int:review_id>/reply/", catalogue.ReviewReplyApi.as_view(), name="review-reply"),
    path("reviews/<int:review_id>/hide/", catalogue.ReviewHideApi.as_view(), name="review-hide"),
    path(
        "reviews/<int:review_id>/report/",
        catalogue.ReviewReportApi.as_view(),
        name="review-report",
    ),
    path("uploads/", authoring.UploadStartApi.as_view(), name="upload-start"),
]
