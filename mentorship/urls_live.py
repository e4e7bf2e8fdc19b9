"""Site routes of mentorship's live pages (joined into mentorship/urls.py)."""

from django.urls import URLPattern, path

from mentorship import views_live as views

urlpatterns: list[URLPattern] = [
    path("live/", views.live_class_list, name="live_classes"),
    path("live/new/", views.live_class_new, name="live_class_new"),
    path("live/<int:live_class_id>/", views.live_class_detail, name="live_class"),
    path("live/<int:live_class_id>/edit/", views.live_class_edit, name="live_class_edit"),
    path("live/<int:live_class_id>/cancel/", views.live_class_cancel, name="live_class_cancel"),
    path("live/<int:live_class_id>/start/", views.live_class_start, name="live_class_start"),
    path("live/<int:live_class_id>/end/", views.live_class_end, name="live_class_end"),
    path(
        "live/<int:live_class_id>/stream-key/",
        views.live_class_stream_key,
        name="live_class_stream_key",
    ),
    path(
        "live/<int:live_class_id>/recording/",
        views.live_class_recording,
        name="live_class_recording",
    ),
]
