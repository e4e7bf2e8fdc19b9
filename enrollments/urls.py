"""Site routes of the enrollments app (the views are in enrollments/views/).

``urlpatterns``: enroll and unenroll, and the enrollment imports (staff and mentors), under
/learning/ with ``enrollments:`` names.
``player_urlpatterns``: the lesson player and its file links. They apply the access rule, so
they are enrollments', but keep their /courses/ paths and ``courses:`` names: kalpla/urls.py
mounts them with the courses routes (courses/urls.py says where).
"""

from django.urls import URLPattern, path

from enrollments.views import enrollment, imports, player

app_name = "enrollments"

urlpatterns: list[URLPattern] = [
    path("courses/<slug:slug>/enroll/", enrollment.enroll, name="enroll"),
    path("courses/<slug:slug>/unenroll/", enrollment.unenroll, name="unenroll"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/<int:import_id>/", imports.import_detail, name="import_detail"),
    path("imports/<int:import_id>/status/", imports.import_status, name="import_status"),
    path("imports/<int:import_id>/errors.csv", imports.import_errors, name="import_errors"),
]

player_urlpatterns: list[URLPattern] = [
    path("media/<str:token>/", player.LessonFileView.as_view(), name="lesson_file"),
    path("<slug:slug>/lessons/<int:lesson_id>/", player.lesson_view, name="lesson"),
    path(
        "<slug:slug>/lessons/<int:lesson_id>/complete/",
        player.lesson_complete_view,
        name="lesson_complete",
    ),
]
