"""The quiz API as a mobile app uses it, and the answer-leak walk over every quiz endpoint."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from assessments.models import Attempt
from assessments.tests.factories import QuizFactory, QuizSlotFactory
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(mentor):
    quiz = QuizFactory(lesson__module__course__instructors=[mentor], attempts_allowed=2)
    for answer in (True, False):
        QuizSlotFactory(quiz=quiz, question__raw={"answer": answer})
    return quiz


@pytest.fixture
def client_of(django_capture_on_commit_callbacks):
    """An API client whose requests run what they queue on commit (grading on eager Celery)."""

    class Committing(APIClient):
        def generic(self, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return super().generic(*args, **kwargs)

    def make(user):
        client = Committing()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def learner(student, quiz):
    EnrollmentFactory(user=student, course=quiz.course)
    return student


def test_take_a_quiz_through_the_api(quiz, learner, client_of):
    api = client_of(learner)
    base = f"/api/v1/lessons/{quiz.lesson_id}/quiz/"
    info = api.get(base)
    assert info.status_code == 200, info.content
    assert info.json()["attempts_left"] == 2 and info.json()["can_start"] is True
    started = api.post(base + "attempts/")
    assert started.status_code == 201, started.content
    attempt = started.json()
    assert api.post(base + "attempts/").status_code == 200  # resumed
    questions = attempt["questions"]
    assert all("answer" not in q for q in questions)
    stored = {
        aq.position: aq.data["answer"]
        for aq in Attempt.objects.get(pk=attempt["id"]).questions.all()
    }
    saved = api.post(
        f"/api/v1/attempts/{attempt['id']}/answers/",
        {"answers": [{"position": p, "response": a} for p, a in stored.items()], "page": 1},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json() == {"saved": 2, "seconds_left": None}
    again = api.get(f"/api/v1/attempts/{attempt['id']}/").json()
    assert [q["response"] for q in again["questions"]] == [
        stored[q["position"]] for q in again["questions"]
    ]
    assert again["current_page"] == 1
    submitted = api.post(f"/api/v1/attempts/{attempt['id']}/submit/")
    assert submitted.status_code == 200
    result = api.get(f"/api/v1/attempts/{attempt['id']}/").json()
    assert (result["state"], result["score"], result["max_score"]) == ("graded", "2.00", "2.00")
    info = api.get(base).json()
    assert (info["grade"], info["attempts_left"]) == ("2.00", 1)


def test_refusals(quiz, learner, student, client_of, api_client):
    base = f"/api/v1/lessons/{quiz.lesson_id}/quiz/"
    assert api_client.get(base).status_code == 401
    outsider = client_of(UserFactory(roles=("Student",)))
    response = outsider.post(base + "attempts/")
    assert response.status_code == 403
    assert response.json()["code"] == "not_enrolled"
    attempt = client_of(learner).post(base + "attempts/").json()
    assert outsider.get(f"/api/v1/attempts/{attempt['id']}/").status_code == 404
    assert outsider.post(f"/api/v1/attempts/{attempt['id']}/submit/").status_code == 404
    text_lesson = QuizFactory().lesson
    text_lesson.kind = "text"
    text_lesson.save()
    assert client_of(learner).get(f"/api/v1/lessons/{text_lesson.pk}/quiz/").status_code == 404


def test_bad_answers_are_400_with_field_messages(quiz, learner, client_of):
    api = client_of(learner)
    attempt = api.post(f"/api/v1/lessons/{quiz.lesson_id}/quiz/attempts/").json()
    url = f"/api/v1/attempts/{attempt['id']}/answers/"
    for body in (
        {"answers": [{"position": "zero", "response": True}]},
        {"answers": [{"position": 0, "response": "maybe"}]},
        {"answers": {"0": True}},
        {"answers": [{"position": 0, "response": True}], "extra": 1},
        {"answers": [{"position": 0, "response": True}], "page": -1},
        {"answers": [{"position": 0}]},
    ):
        response = api.post(url, body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert response.json()["errors"]


def test_time_up_is_409_and_the_attempt_is_submitted(quiz, learner, client_of):
    quiz.time_limit = 60
    quiz.save()
    api = client_of(learner)
    attempt = api.post(f"/api/v1/lessons/{quiz.lesson_id}/quiz/attempts/").json()
    assert 0 < attempt["seconds_left"] <= 60
    Attempt.objects.filter(pk=attempt["id"]).update(deadline=timezone.now() - timedelta(seconds=1))
    response = api.post(
        f"/api/v1/attempts/{attempt['id']}/answers/",
        {"answers": [{"position": 0, "response": True}]},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "time_up"
    assert api.get(f"/api/v1/attempts/{attempt['id']}/").json()["state"] == "graded"


def test_no_attempts_left_is_409(quiz, learner, client_of):
    quiz.attempts_allowed = 1
    quiz.save()
    api = client_of(learner)
    attempt = api.post(f"/api/v1/lessons/{quiz.lesson_id}/quiz/attempts/").json()
    api.post(f"/api/v1/attempts/{attempt['id']}/submit/")
    response = api.post(f"/api/v1/lessons/{quiz.lesson_id}/quiz/attempts/")
    assert (response.status_code, response.json()["code"]) == (409, "no_attempts_left")
    info = api.get(f"/api/v1/lessons/{quiz.lesson_id}/quiz/").json()
    assert info["can_start"] is False and info["refusal"]


# --- never leak answers ----------------------------------------------------------------------

SECRETS = {
    "single_choice": (
        {
            "options": [
                {"text": "Alpha option", "fraction": "1", "feedback": "SECRET-FB-1"},
                {"text": "Beta option", "fraction": "0", "feedback": "SECRET-FB-2"},
            ]
        },
        "SECRET-FB",
    ),
    "multiple_choice": (
        {
            "options": [
                {"text": "Gamma", "fraction": "0.5"},
                {"text": "Delta", "fraction": "0.5"},
                {"text": "Epsilon"},
            ]
        },
        "-1",
    ),
    "short_answer": (
        {"answers": [{"text": "SECRETWORD", "feedback": "SECRET-FB-3"}]},
        "SECRETWORD",
    ),
    "numeric": ({"answers": [{"value": "271828", "tolerance": "0.5"}]}, "271828"),
    "matching": (
        {
            "pairs": [
                {"prompt": "Left one", "answer": "Right one"},
                {"prompt": "Left two", "answer": "Right two"},
            ]
        },
        None,
    ),
    "ordering": (
        {"items": [{"text": "First step"}, {"text": "Second step"}, {"text": "Third step"}]},
        None,
    ),
    "essay": ({"grader_info": "SECRET-GRADER-INFO"}, "SECRET-GRADER-INFO"),
    "true_false": ({"answer": True, "feedback_true": "SECRET-FB-TF"}, "SECRET-FB-TF"),
}
FORBIDDEN_KEYS = (
    "fraction",
    "tolerance",
    "right_answer",
    "accepted",
    "grader_info",
    "feedback_true",
)


def _walk_keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _walk_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_keys(item)


def test_no_quiz_endpoint_leaks_answers_before_the_review_allows(mentor, student, client_of):
    quiz = QuizFactory(
        lesson__module__course__instructors=[mentor],
        review_score="never",
        review_correctness="never",
        review_right_answers="never",
        review_feedback="never",
        attempts_allowed=0,
    )
    for kind, (raw, _secret) in SECRETS.items():
        QuizSlotFactory(
            quiz=quiz, question__kind=kind, question__raw=raw, question__feedback="SECRET-GENERAL"
        )
    EnrollmentFactory(user=student, course=quiz.course)
    api = client_of(student)
    bodies = []

    def call(method, url, data=None):
        response = (
            getattr(api, method)(url, data, format="json") if data else getattr(api, method)(url)
        )
        assert response.status_code < 500
        bodies.append(response.content.decode())
        return response

    base = f"/api/v1/lessons/{quiz.lesson_id}/quiz/"
    call("get", base)
    attempt = call("post", base + "attempts/").json()
    aid = attempt["id"]
    rows = {aq.position: aq for aq in Attempt.objects.get(pk=aid).questions.all()}
    # Right answers saved, so a leak through "response" echoing would be the student's own.
    answers = []
    for position, aq in rows.items():
        if aq.kind == "ordering":
            answers.append({"position": position, "response": [i["id"] for i in aq.data["items"]]})
        elif aq.kind == "matching":
            answers.append(
                {"position": position, "response": {p["id"]: p["answer"] for p in aq.data["pairs"]}}
            )
    call("post", f"/api/v1/attempts/{aid}/answers/", {"answers": answers})
    call("get", f"/api/v1/attempts/{aid}/")
    call("post", f"/api/v1/attempts/{aid}/submit/")
    call("get", f"/api/v1/attempts/{aid}/")
    call("get", base)
    for body in bodies:
        for kind, (_raw, secret) in SECRETS.items():
            if secret and secret != "-1":
                assert secret not in body, (kind, body)
        assert "SECRET-GENERAL" not in body
        keys = set(_walk_keys(json.loads(body)))
        assert not keys & set(FORBIDDEN_KEYS), keys
    final = json.loads(bodies[-2])
    assert final["score"] is None
    assert all(q["review"] == {} for q in final["questions"])
    # The review shows it all once the options allow it.
    quiz.review_right_answers = "immediately"
    quiz.review_feedback = "immediately"
    quiz.save()
    shown = call("get", f"/api/v1/attempts/{aid}/").content.decode()
    assert "SECRETWORD" in shown and "SECRET-GENERAL" in shown


def test_submit_only_records_and_queues_the_grading(
    mentor, student, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # given an open attempt at a quiz of twelve questions
    quiz = QuizFactory(lesson__module__course__instructors=[mentor])
    for i in range(12):
        QuizSlotFactory(quiz=quiz, question__raw={"answer": i % 2 == 0})
    EnrollmentFactory(user=student, course=quiz.course)
    api = APIClient()
    api.force_authenticate(student)
    attempt = api.post(f"/api/v1/lessons/{quiz.lesson_id}/quiz/attempts/").json()
    # when it is submitted: lock, record, queue, and the attempt as shown (one query for its
    # questions, however many), without grading in the request
    with django_capture_on_commit_callbacks() as queued, django_assert_max_num_queries(5):
        response = api.post(f"/api/v1/attempts/{attempt['id']}/submit/")
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["lesson_id"], len(body["questions"])) == (
        "submitted",
        quiz.lesson_id,
        12,
    )
    assert Attempt.objects.get(pk=attempt["id"]).state == "submitted"
    # the grading task, sent once the submit commits, and the quiz_submitted learning event
    assert len(queued) == 2
