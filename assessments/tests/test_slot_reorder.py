"""Reordering a quiz's questions in one request (the editor's drag and drop, and the API):
the whole new order, accepted only when it names every slot of the quiz exactly once."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from assessments.models import QuizSlot
from assessments.tests.factories import QuizFactory, QuizSlotFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def quiz(mentor):
    quiz = QuizFactory(lesson__module__course__instructors=[mentor])
    for position in range(1, 5):
        QuizSlotFactory(quiz=quiz, position=position)
    return quiz


def _order(quiz) -> list[int]:
    return list(quiz.slots.order_by("position", "id").values_list("pk", flat=True))


def _wrong_orders(quiz) -> dict[str, str]:
    ids = _order(quiz)
    stranger = QuizSlotFactory().pk  # a slot of another quiz
    return {
        "one missing": ",".join(map(str, ids[:-1])),
        "one twice": ",".join(map(str, [*ids[:-1], ids[0]])),
        "another quiz's slot": ",".join(map(str, [*ids[:-1], stranger])),
        "one too many": ",".join(map(str, [*ids, stranger])),
        "not ids": "1,two,3",
        "empty": "",
    }


def test_the_editor_saves_a_new_order_in_one_request(client, mentor, quiz):
    client.force_login(mentor)
    url = reverse("assessments:teach_slot_reorder", args=[quiz.lesson_id])
    new = _order(quiz)[::-1]
    saved = client.post(url, {"order": ",".join(map(str, new))}, **JSON)
    assert saved.status_code == 204
    assert _order(quiz) == new
    assert list(quiz.slots.order_by("position").values_list("position", flat=True)) == [1, 2, 3, 4]


def test_the_editor_refuses_an_order_that_is_not_the_quizs_slots(client, mentor, quiz):
    client.force_login(mentor)
    url = reverse("assessments:teach_slot_reorder", args=[quiz.lesson_id])
    before = _order(quiz)
    for case, order in _wrong_orders(quiz).items():
        refused = client.post(url, {"order": order}, **JSON)
        assert refused.status_code == 400, case
        body = refused.json()
        assert body["message"] and body["code"] and body["errors"], case
        assert _order(quiz) == before, case


def test_without_javascript_the_order_is_saved_with_a_message(client, mentor, quiz):
    client.force_login(mentor)
    url = reverse("assessments:teach_slot_reorder", args=[quiz.lesson_id])
    new = _order(quiz)[1:] + _order(quiz)[:1]
    saved = client.post(url, {"order": ",".join(map(str, new))})
    assert saved.status_code == 302 and saved.url.endswith("#questions")
    assert [str(m) for m in get_messages(saved.wsgi_request)] == ["The new order is saved."]
    assert _order(quiz) == new
    refused = client.post(url, {"order": ",".join(map(str, new[:2]))})
    assert refused.status_code == 302
    assert "Send every slot once." in [str(m) for m in get_messages(refused.wsgi_request)]
    assert _order(quiz) == new


def test_only_the_course_editors_reorder(client, quiz):
    url = reverse("assessments:teach_slot_reorder", args=[quiz.lesson_id])
    order = ",".join(map(str, _order(quiz)[::-1]))
    before = _order(quiz)
    for user in (UserFactory(roles=("Mentor",)), UserFactory()):
        client.force_login(user)
        assert client.post(url, {"order": order}, **JSON).status_code == 403
    assert _order(quiz) == before


def test_the_api_refuses_an_order_that_is_not_the_quizs_slots(mentor, quiz):
    api = APIClient()
    api.force_authenticate(mentor)
    url = f"/api/v1/lessons/{quiz.lesson_id}/quiz/slots/order/"
    before = _order(quiz)
    for case, order in _wrong_orders(quiz).items():
        ids = [int(p) if p.isdigit() else p for p in order.split(",")] if order else []
        refused = api.post(url, {"slot_ids": ids}, format="json")
        assert refused.status_code == 400, case
        assert refused.json()["errors"], case
        assert _order(quiz) == before, case
    saved = api.post(url, {"slot_ids": before[::-1]}, format="json")
    assert saved.status_code == 200
    assert [row["id"] for row in saved.json()] == before[::-1] == _order(quiz)
    assert QuizSlot.objects.filter(quiz=quiz).count() == 4
