"""Staff's admin pages for banks, questions, quizzes and attempts."""

import pytest

from assessments.models import Attempt, Question
from assessments.services import attempts as attempt_services
from assessments.tests.factories import QuestionBankFactory, QuizFactory, QuizSlotFactory
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_every_list_and_form_renders(client, admin_user, student):
    quiz = QuizFactory()
    QuizSlotFactory(quiz=quiz)
    EnrollmentFactory(user=student, course=quiz.course)
    attempt = attempt_services.attempt_start(quiz=quiz, user=student)
    client.force_login(admin_user)
    for model in (
        "questionbank",
        "question",
        "quiz",
        "attempt",
        "assignment",
        "submission",
        "rubric",
        "gradebooksettings",
        "gradecategory",
        "gradeitem",
        "gradeentry",
    ):
        assert client.get(f"/admin/assessments/{model}/").status_code == 200
    assert client.get(f"/admin/assessments/attempt/{attempt.pk}/change/").status_code == 200
    assert client.get(f"/admin/assessments/quiz/{quiz.pk}/change/").status_code == 200
    assert client.get("/admin/assessments/attempt/add/").status_code == 403


def test_question_data_is_checked_by_the_engine(client, admin_user):
    bank = QuestionBankFactory()
    client.force_login(admin_user)
    base = {
        "bank": bank.pk,
        "kind": "numeric",
        "text": "g?",
        "points": "1",
        "feedback": "",
        "category": "",
    }
    bad = client.post("/admin/assessments/question/add/", {**base, "data": '{"answers": []}'})
    assert bad.status_code == 200
    assert "data.answers" in bad.content.decode()
    good = client.post(
        "/admin/assessments/question/add/",
        {**base, "data": '{"answers": [{"value": "9.81", "tolerance": "0.1"}]}'},
    )
    assert good.status_code == 302
    assert Question.objects.get(bank=bank).data["answers"][0]["fraction"] == "1"


def test_grade_again_queues_stuck_attempts(
    client, admin_user, student, django_capture_on_commit_callbacks
):
    quiz = QuizFactory()
    QuizSlotFactory(quiz=quiz)
    EnrollmentFactory(user=student, course=quiz.course)
    attempt = attempt_services.attempt_start(quiz=quiz, user=student)
    attempt_services.attempt_submit(attempt_id=attempt.pk, user=student)  # grading not run
    assert Attempt.objects.get(pk=attempt.pk).state == "submitted"
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/assessments/attempt/",
            {"action": "grade_again", "_selected_action": [attempt.pk]},
        )
    assert Attempt.objects.get(pk=attempt.pk).state == "graded"
