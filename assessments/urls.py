"""Site routes of the assessments app, mounted at /quizzes/."""

from django.urls import URLPattern, path

from . import converters  # noqa: F401 - registers <qformat:...>
from .views import student, teach

app_name = "assessments"

urlpatterns: list[URLPattern] = [
    path("lessons/<int:lesson_id>/", student.quiz_start, name="quiz"),
    path("attempts/<int:attempt_id>/", student.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/finish/", student.attempt_finish, name="attempt_finish"),
    path("attempts/<int:attempt_id>/submit/", student.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/review/", student.attempt_review, name="attempt_review"),
    # mentors
    path("teach/lessons/<int:lesson_id>/", teach.quiz_edit, name="teach_quiz"),
    path("teach/lessons/<int:lesson_id>/slots/", teach.quiz_slot_add, name="teach_slot_add"),
    path("teach/slots/<int:slot_id>/remove/", teach.quiz_slot_remove, name="teach_slot_remove"),
    path("teach/slots/<int:slot_id>/move/", teach.quiz_slot_move, name="teach_slot_move"),
    path("teach/courses/<slug:slug>/banks/", teach.bank_list, name="teach_banks"),
    path("teach/banks/<int:bank_id>/", teach.bank_detail, name="teach_bank"),
    path(
        "teach/banks/<int:bank_id>/ordering/", teach.bank_add_ordering, name="teach_bank_ordering"
    ),
    path(
        "teach/banks/<int:bank_id>/export/<qformat:fmt>/",
        teach.bank_export,
        name="teach_bank_export",
    ),
    path(
        "teach/questions/<int:question_id>/delete/",
        teach.question_delete,
        name="teach_question_delete",
    ),
    path("teach/grading/", teach.grading_queue, name="teach_grading"),
    path("teach/grading/<int:attempt_question_id>/", teach.grade_answer, name="teach_grade"),
]
