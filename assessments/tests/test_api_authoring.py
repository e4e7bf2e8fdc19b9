"""The mentors' quiz API: banks, questions, import and export, settings, slots, hand grading."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from assessments.models import Attempt, GradeChange, Question, QuizSlot
from assessments.services import attempts as attempt_services
from assessments.tests.factories import QuestionBankFactory, QuizFactory, QuizSlotFactory
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(mentor):
    return QuizFactory(lesson__module__course__instructors=[mentor])


@pytest.fixture
def api(mentor):
    client = APIClient()
    client.force_authenticate(mentor)
    return client


def _as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_banks_and_questions(quiz, api):
    course = quiz.course
    made = api.post(
        f"/api/v1/courses/{course.slug}/question-banks/", {"title": "Week 1"}, format="json"
    )
    assert made.status_code == 201, made.content
    bank_id = made.json()["id"]
    question = {
        "kind": "single_choice",
        "text": "Capital of France?",
        "points": "2.00",
        "data": {"options": [{"text": "Paris", "fraction": "1"}, {"text": "Lyon"}]},
        "tags": ["geo", "easy"],
    }
    created = api.post(f"/api/v1/question-banks/{bank_id}/questions/", question, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tags"] == ["easy", "geo"]
    assert body["data"]["options"][0]["fraction"] == "1"
    listed = api.get(f"/api/v1/question-banks/{bank_id}/questions/").json()
    assert listed["count"] == 1
    bad = api.post(
        f"/api/v1/question-banks/{bank_id}/questions/",
        {**question, "data": {"options": [{"text": "only"}]}},
        format="json",
    )
    assert bad.status_code == 400
    assert "data.options" in bad.json()["errors"]
    changed = api.put(
        f"/api/v1/questions/{body['id']}/", {**question, "text": "Capital?"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["text"] == "Capital?"
    assert (
        api.get(f"/api/v1/courses/{course.slug}/question-banks/").json()[0]["question_count"] == 1
    )
    assert api.delete(f"/api/v1/questions/{body['id']}/").status_code == 204


def test_import_is_all_or_nothing_and_export_round_trips(quiz, api):
    bank = QuestionBankFactory(course=quiz.course)
    url = f"/api/v1/question-banks/{bank.pk}/import/"
    bad = api.post(
        url, {"format": "gift", "text": "Good {=a ~b}\n\nBad {=a} {=b}\n"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "import_failed"
    assert bad.json()["errors"] == {"line 3": ["Each question needs exactly one {…} answer block."]}
    assert Question.objects.filter(bank=bank).count() == 0
    good = api.post(url, {"format": "gift", "text": "Good {=a ~b}\n\nT or F? {T}\n"}, format="json")
    assert good.status_code == 201
    assert good.json()["saved"] == 2
    exported = api.get(f"/api/v1/question-banks/{bank.pk}/export/aiken/").json()
    assert "ANSWER: A" in exported["text"]
    assert api.get(f"/api/v1/question-banks/{bank.pk}/export/pdf/").status_code == 404


def test_quiz_settings_and_slots(quiz, api):
    lesson = quiz.lesson_id
    settings = api.get(f"/api/v1/lessons/{lesson}/quiz/settings/").json()
    assert settings["behaviour"] == "deferred"
    patched = api.patch(
        f"/api/v1/lessons/{lesson}/quiz/settings/",
        {"time_limit": 900, "attempts_allowed": 3, "behaviour": "immediate"},
        format="json",
    )
    assert patched.status_code == 200 and patched.json()["time_limit"] == 900
    bad = api.patch(
        f"/api/v1/lessons/{lesson}/quiz/settings/",
        {"opens_at": "2027-01-02T00:00:00Z", "closes_at": "2027-01-01T00:00:00Z"},
        format="json",
    )
    assert bad.status_code == 400 and "closes_at" in bad.json()["errors"]
    bank = QuestionBankFactory(course=quiz.course)
    api.post(
        f"/api/v1/question-banks/{bank.pk}/import/",
        {"format": "gift", "text": "A {T}\n\nB {F}\n\nC {T}"},
        format="json",
    )
    fixed = Question.objects.filter(bank=bank).first()
    one = api.post(
        f"/api/v1/lessons/{lesson}/quiz/slots/", {"question_id": fixed.pk}, format="json"
    )
    assert one.status_code == 201, one.content
    draw = api.post(
        f"/api/v1/lessons/{lesson}/quiz/slots/", {"bank_id": bank.pk, "count": 2}, format="json"
    )
    assert draw.status_code == 201 and draw.json()["count"] == 2
    too_many = api.post(
        f"/api/v1/lessons/{lesson}/quiz/slots/", {"bank_id": bank.pk, "count": 9}, format="json"
    )
    assert too_many.status_code == 400
    both = api.post(f"/api/v1/lessons/{lesson}/quiz/slots/", {}, format="json")
    assert both.status_code == 400
    ids = [one.json()["id"], draw.json()["id"]]
    reordered = api.post(
        f"/api/v1/lessons/{lesson}/quiz/slots/order/", {"slot_ids": ids[::-1]}, format="json"
    )
    assert [s["id"] for s in reordered.json()] == ids[::-1]
    assert api.delete(f"/api/v1/quiz-slots/{ids[0]}/").status_code == 204
    assert QuizSlot.objects.filter(quiz=quiz).count() == 1


def test_others_are_refused(quiz, student):
    other_mentor = UserFactory(roles=("Mentor",))
    bank = QuestionBankFactory(course=quiz.course)
    for user in (other_mentor, student):
        client = _as(user)
        assert client.get(f"/api/v1/courses/{quiz.course.slug}/question-banks/").status_code == 403
        assert client.get(f"/api/v1/question-banks/{bank.pk}/questions/").status_code == 403
        assert client.get(f"/api/v1/lessons/{quiz.lesson_id}/quiz/settings/").status_code == 403
        response = client.post(
            f"/api/v1/question-banks/{bank.pk}/import/",
            {"format": "gift", "text": "Q {T}"},
            format="json",
        )
        assert response.status_code == 403


def test_mentor_grades_an_essay(quiz, mentor, student, django_capture_on_commit_callbacks):
    QuizSlotFactory(quiz=quiz, question__kind="essay", question__raw={}, question__points=10)
    EnrollmentFactory(user=student, course=quiz.course)
    attempt = attempt_services.attempt_start(quiz=quiz, user=student)
    essay = attempt.questions.get()
    attempt_services.attempt_answers_save(
        attempt_id=attempt.pk, user=student, responses={0: "Words."}
    )
    with django_capture_on_commit_callbacks(execute=True):
        attempt_services.attempt_submit(attempt_id=attempt.pk, user=student)
    url = f"/api/v1/attempt-questions/{essay.pk}/grade/"
    assert (
        _as(UserFactory(roles=("Mentor",))).post(url, {"score": "5"}, format="json").status_code
        == 403
    )
    assert _as(mentor).post(url, {"score": "11"}, format="json").status_code == 400
    graded = _as(mentor).post(url, {"score": "7.5", "comment": "Clear."}, format="json")
    assert graded.status_code == 200, graded.content
    assert graded.json()["attempt_state"] == "graded"
    assert Attempt.objects.get(pk=attempt.pk).score == 7.5
    regraded = _as(mentor).post(url, {"score": "9", "reason": "Rubric misread."}, format="json")
    assert regraded.status_code == 200
    trail = list(GradeChange.objects.filter(attempt=attempt).order_by("id"))
    assert [(c.changed_by_id, c.old_score, c.new_score, c.reason) for c in trail] == [
        (None, None, Decimal(0), "graded automatically"),
        (mentor.pk, None, Decimal("7.5"), "graded by hand"),
        (mentor.pk, Decimal("7.5"), Decimal(9), "Rubric misread."),
    ]
    seen = _as(student).get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert seen["questions"][0]["review"]["comment"] == "Clear."
