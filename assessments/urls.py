"""Site routes of the assessments app: quizzes under /quizzes/, assignments under
/assignments/ (mounted at the site's root)."""

from django.urls import URLPattern, path

from . import converters  # noqa: F401 - registers <qformat:...>
from .badges.urls import urlpatterns as badge_urlpatterns
from .views import assignments, certificates, gradebook, student, teach

app_name = "assessments"

urlpatterns: list[URLPattern] = [
    path("quizzes/lessons/<int:lesson_id>/", student.quiz_start, name="quiz"),
    path("quizzes/attempts/<int:attempt_id>/", student.attempt_page, name="attempt"),
    path(
        "quizzes/attempts/<int:attempt_id>/finish/", student.attempt_finish, name="attempt_finish"
    ),
    path(
        "quizzes/attempts/<int:attempt_id>/submit/", student.attempt_submit, name="attempt_submit"
    ),
    path(
        "quizzes/attempts/<int:attempt_id>/review/", student.attempt_review, name="attempt_review"
    ),
    # mentors
    path("quizzes/teach/lessons/<int:lesson_id>/", teach.quiz_edit, name="teach_quiz"),
    path(
        "quizzes/teach/lessons/<int:lesson_id>/slots/", teach.quiz_slot_add, name="teach_slot_add"
    ),
    path(
        "quizzes/teach/lessons/<int:lesson_id>/slots/order/",
        teach.quiz_slot_reorder,
        name="teach_slot_reorder",
    ),
    path(
        "quizzes/teach/slots/<int:slot_id>/remove/",
        teach.quiz_slot_remove,
        name="teach_slot_remove",
    ),
    path("quizzes/teach/slots/<int:slot_id>/move/", teach.quiz_slot_move, name="teach_slot_move"),
    path("quizzes/teach/courses/<slug:slug>/banks/", teach.bank_list, name="teach_banks"),
    path("quizzes/teach/banks/<int:bank_id>/", teach.bank_detail, name="teach_bank"),
    path(
        "quizzes/teach/banks/<int:bank_id>/ordering/",
        teach.bank_add_ordering,
        name="teach_bank_ordering",
    ),
    path(
        "quizzes/teach/banks/<int:bank_id>/export/<qformat:fmt>/",
        teach.bank_export,
        name="teach_bank_export",
    ),
    path(
        "quizzes/teach/questions/<int:question_id>/delete/",
        teach.question_delete,
        name="teach_question_delete",
    ),
    path("quizzes/teach/grading/", teach.grading_queue, name="teach_grading"),
    path(
        "quizzes/teach/grading/<int:attempt_question_id>/", teach.grade_answer, name="teach_grade"
    ),
    # the gradebook
    path("gradebook/courses/<slug:slug>/", gradebook.gradebook, name="gradebook"),
    path(
        "gradebook/courses/<slug:slug>/export.csv",
        gradebook.gradebook_export,
        name="gradebook_export",
    ),
    path(
        "gradebook/courses/<slug:slug>/override/",
        gradebook.gradebook_override,
        name="gradebook_override",
    ),
    path(
        "gradebook/courses/<slug:slug>/settings/",
        gradebook.gradebook_settings,
        name="gradebook_settings",
    ),
    path("grades/courses/<slug:slug>/", gradebook.my_grades, name="my_grades"),
    path("certificates/", certificates.my_certificates, name="my_certificates"),
    path(
        "certificates/<str:code>/",
        certificates.certificate_verify,
        name="certificate_verify",
    ),
    # assignments
    path("assignments/lessons/<int:lesson_id>/", assignments.assignment_page, name="assignment"),
    path(
        "assignments/teach/lessons/<int:lesson_id>/",
        assignments.teach_assignment,
        name="teach_assignment",
    ),
    path(
        "assignments/teach/lessons/<int:lesson_id>/release/",
        assignments.release_grades,
        name="teach_assignment_release",
    ),
    path(
        "assignments/teach/lessons/<int:lesson_id>/extensions/",
        assignments.grant_extension,
        name="teach_assignment_extension",
    ),
    path(
        "assignments/teach/lessons/<int:lesson_id>/rubric/",
        assignments.create_rubric,
        name="teach_assignment_rubric",
    ),
    path(
        "assignments/teach/submissions/<int:submission_id>/",
        assignments.grade_submission,
        name="teach_submission",
    ),
]
urlpatterns += badge_urlpatterns  # /badges/...
