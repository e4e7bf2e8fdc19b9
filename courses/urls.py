"""Site routes of the courses app (the views are in courses/views/).

Two lists, because the lesson player's routes go between them: the player and its file links
belong to enrollments, above courses, yet keep their /courses/ paths and ``courses:`` names
(``enrollments.urls.player_urlpatterns``). kalpla/urls.py mounts authoring's fixed ``teach/``
prefixes first, then the player, then the catalogue's ``<slug>/`` patterns.
"""

from django.urls import URLPattern, URLResolver, include, path

from courses.views import authoring, catalogue

app_name = "courses"

_teach_urlpatterns: list[URLPattern] = [
    path("", authoring.teach_home, name="teach"),
    path("new/", authoring.course_create, name="teach_course_create"),
    path("review/", authoring.review_list, name="teach_review"),
    path("courses/<slug:slug>/", authoring.course_edit, name="teach_course"),
    path("courses/<slug:slug>/cover/", authoring.course_cover, name="teach_course_cover"),
    path("courses/<slug:slug>/outline/", authoring.course_outline, name="teach_outline"),
    path("courses/<slug:slug>/modules/", authoring.module_add, name="teach_module_add"),
    path(
        "courses/<slug:slug>/modules/reorder/",
        authoring.module_reorder,
        name="teach_module_reorder",
    ),
    path("courses/<slug:slug>/submit/", authoring.course_submit, name="teach_course_submit"),
    path(
        "courses/<slug:slug>/archive/",
        authoring.course_archive,
        name="teach_course_archive",
    ),
    path(
        "courses/<slug:slug>/publish/",
        authoring.course_publish,
        name="teach_course_publish",
    ),
    path("courses/<slug:slug>/return/", authoring.course_return, name="teach_course_return"),
    path("modules/<int:module_id>/", authoring.module_rename, name="teach_module_rename"),
    path(
        "modules/<int:module_id>/delete/",
        authoring.module_delete,
        name="teach_module_delete",
    ),
    path("modules/<int:module_id>/move/", authoring.module_move, name="teach_module_move"),
    path(
        "modules/<int:module_id>/publish/",
        authoring.module_publish,
        name="teach_module_publish",
    ),
    path(
        "modules/<int:module_id>/lessons/reorder/",
        authoring.lesson_reorder,
        name="teach_lesson_reorder",
    ),
    path("modules/<int:module_id>/lessons/", authoring.lesson_add, name="teach_lesson_add"),
    path("lessons/<int:lesson_id>/", authoring.lesson_edit, name="teach_lesson"),
    path(
        "lessons/<int:lesson_id>/delete/",
        authoring.lesson_delete,
        name="teach_lesson_delete",
    ),
    path("lessons/<int:lesson_id>/move/", authoring.lesson_move, name="teach_lesson_move"),
    path(
        "lessons/<int:lesson_id>/publish/",
        authoring.lesson_publish,
        name="teach_lesson_publish",
    ),
    path("lessons/<int:lesson_id>/media/", authoring.lesson_media, name="teach_lesson_media"),
    path(
        "lessons/<int:lesson_id>/media/status/",
        authoring.lesson_media_status,
        name="teach_media_status",
    ),
    path(
        "lessons/<int:lesson_id>/media/rerun/",
        authoring.lesson_media_rerun,
        name="teach_media_rerun",
    ),
    path(
        "lessons/<int:lesson_id>/media/remove/",
        authoring.lesson_media_remove,
        name="teach_media_remove",
    ),
    path(
        "lessons/<int:lesson_id>/captions/",
        authoring.lesson_captions,
        name="teach_captions",
    ),
    path(
        "lessons/<int:lesson_id>/captions/upload/",
        authoring.lesson_captions_upload,
        name="teach_captions_upload",
    ),
    path(
        "lessons/<int:lesson_id>/resources/",
        authoring.resource_add,
        name="teach_resource_add",
    ),
    path(
        "resources/<int:resource_id>/delete/",
        authoring.resource_remove,
        name="teach_resource_remove",
    ),
]

# One prefix for authoring: a request elsewhere under /courses/ skips its routes in one test.
authoring_urlpatterns: list[URLPattern | URLResolver] = [
    path("teach/", include(_teach_urlpatterns)),
]

catalogue_urlpatterns: list[URLPattern] = [
    path("", catalogue.catalogue, name="catalogue"),
    path("reviews/<int:review_id>/reply/", catalogue.review_reply, name="review_reply"),
    path("reviews/<int:review_id>/hide/", catalogue.review_hide, name="review_hide"),
    path("reviews/<int:review_id>/report/", catalogue.review_report, name="review_report"),
    path("<slug:slug>/", catalogue.course_detail, name="detail"),
    path("<slug:slug>/review/", catalogue.review_save, name="review_save"),
]
