"""Site routes of the enrollments app (the views are in enrollments/views/).

``urlpatterns``: enroll and unenroll, cohorts and their waitlists (and the course editor's
Cohorts pages under teach/), and the enrollment imports (staff and mentors), under /learning/
with ``enrollments:`` names.
``player_urlpatterns``: the lesson player and its file links. They apply the access rule, so
they are enrollments', but keep their /courses/ paths and ``courses:`` names: kalpla/urls.py
mounts them with the courses routes (courses/urls.py says where).
"""

from django.urls import URLPattern, path

from enrollments.views import cohorts, enrollment, imports, player

app_name = "enrollments"

urlpatterns: list[URLPattern] = [
    path("courses/<slug:slug>/enroll/", enrollment.enroll, name="enroll"),
    path("courses/<slug:slug>/unenroll/", enrollment.unenroll, name="unenroll"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/<int:import_id>/", imports.import_detail, name="import_detail"),
    path("imports/<int:import_id>/status/", imports.import_status, name="import_status"),
    path("imports/<int:import_id>/errors.csv", imports.import_errors, name="import_errors"),
    # cohorts: choosing one, the waitlist; the course editor's Cohorts tab
    path("courses/<slug:slug>/cohorts/", cohorts.course_cohorts, name="cohorts"),
    path("cohorts/<int:cohort_id>/waitlist/join/", cohorts.waitlist_join, name="waitlist_join"),
    path("cohorts/<int:cohort_id>/waitlist/leave/", cohorts.waitlist_leave, name="waitlist_leave"),
    path("cohorts/<int:cohort_id>/offer/accept/", cohorts.offer_accept, name="offer_accept"),
    path("cohorts/<int:cohort_id>/offer/decline/", cohorts.offer_decline, name="offer_decline"),
    path("teach/courses/<slug:slug>/cohorts/", cohorts.teach_cohorts, name="teach_cohorts"),
    path("teach/cohorts/<int:cohort_id>/", cohorts.teach_cohort, name="teach_cohort"),
    path(
        "teach/cohorts/<int:cohort_id>/roster/",
        cohorts.teach_cohort_roster,
        name="teach_cohort_roster",
    ),
    path(
        "teach/enrollments/<int:enrollment_id>/cohort/",
        cohorts.teach_enrollment_cohort,
        name="teach_enrollment_cohort",
    ),
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
