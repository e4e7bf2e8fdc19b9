"""API routes of mentorship's live (joined into mentorship/api/urls.py, under /api/v1/)."""

from django.urls import URLPattern, path

from mentorship.api import views_live as views

urlpatterns: list[URLPattern] = [
    path("live-classes/", views.LiveClassListApi.as_view(), name="live-classes"),
    path(
        "live-classes/<int:live_class_id>/",
        views.LiveClassDetailApi.as_view(),
        name="live-class",
    ),
    path(
        "live-classes/<int:live_class_id>/start/",
        views.LiveClassStartApi.as_view(),
        name="live-class-start",
    ),
    path(
        "live-classes/<int:live_class_id>/end/",
        views.LiveClassEndApi.as_view(),
        name="live-class-end",
    ),
    path(
        "live-classes/<int:live_class_id>/cancel/",
        views.LiveClassCancelApi.as_view(),
        name="live-class-cancel",
    ),
    path(
        "live-classes/<int:live_class_id>/stream-key/",
        views.LiveClassStreamKeyApi.as_view(),
        name="live-class-stream-key",
    ),
    path(
        "live-classes/<int:live_class_id>/recording/",
        views.LiveClassRecordingApi.as_view(),
        name="live-class-recording",
    ),
    path(
        "live-classes/<int:live_class_id>/attendance/",
        views.LiveClassAttendanceApi.as_view(),
        name="live-class-attendance",
    ),
]
