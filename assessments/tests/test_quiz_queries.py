"""The quiz's size (questions and points, random draws at their pool's mean) is read in one
query, so the mentor's quiz editor, the student's start page and the quiz API run the same
number of queries for a quiz of three slots and for one of thirty."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.selectors import quiz_size
from assessments.tests.factories import (
    QuestionBankFactory,
    QuestionFactory,
    QuestionTagFactory,
    QuizFactory,
    QuizSlotFactory,
)
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def _quiz_of(mentor, slots: int):
    """A quiz whose slots alternate: a fixed question, a draw from a bank, a tagged draw."""
    quiz = QuizFactory(lesson__module__course__instructors=[mentor])
    for n in range(slots):
        bank = QuestionBankFactory(course=quiz.course)
        tag = QuestionTagFactory(bank=bank)
        QuestionFactory(bank=bank, points=2, tags=[tag])
        QuestionFactory(bank=bank, points=4)
        if n % 3 == 0:
            QuizSlotFactory(quiz=quiz, position=n, question__points=3)
        elif n % 3 == 1:
            QuizSlotFactory(quiz=quiz, position=n, question=None, bank=bank, count=2)
        else:
            QuizSlotFactory(quiz=quiz, position=n, question=None, bank=bank, tag=tag, count=1)
    return quiz


def test_quiz_size_counts_fixed_questions_and_draws_at_their_pool_mean(mentor):
    quiz = QuizFactory(lesson__module__course__instructors=[mentor])
    bank = QuestionBankFactory(course=quiz.course)
    hard = QuestionTagFactory(bank=bank, name="hard")
    QuestionFactory(bank=bank, points=1)
    QuestionFactory(bank=bank, points=2, tags=[hard])
    QuestionFactory(bank=bank, points=6, tags=[hard])
    empty = QuestionBankFactory(course=quiz.course)
    QuizSlotFactory(quiz=quiz, question__points="1.5")
    QuizSlotFactory(quiz=quiz, question=None, bank=bank, count=2)  # mean 3 -> 6
    QuizSlotFactory(quiz=quiz, question=None, bank=bank, tag=hard, count=1)  # mean 4
    QuizSlotFactory(quiz=quiz, question=None, bank=empty, count=1)  # no questions: 0

    assert quiz_size(quiz=quiz) == (5, Decimal("11.50"))


def test_quiz_size_of_a_quiz_without_slots(mentor):
    quiz = QuizFactory(lesson__module__course__instructors=[mentor])
    assert quiz_size(quiz=quiz) == (0, Decimal("0.00"))


@pytest.mark.parametrize("slots", [3, 30])
def test_quiz_size_is_one_query(mentor, slots, django_assert_num_queries):
    quiz = _quiz_of(mentor, slots)
    with django_assert_num_queries(1):
        count, points = quiz_size(quiz=quiz)
    fixed, random, tagged = (len(range(k, slots, 3)) for k in range(3))
    assert count == fixed + 2 * random + tagged
    assert points == Decimal(3 * fixed + 2 * 3 * random + 2 * tagged).quantize(Decimal("0.01"))


@pytest.mark.parametrize("slots", [3, 30])
def test_mentor_quiz_editor_queries_do_not_grow_with_slots(
    client, mentor, slots, django_assert_max_num_queries
):
    quiz = _quiz_of(mentor, slots)
    client.force_login(mentor)
    url = reverse("assessments:teach_quiz", args=[quiz.lesson_id])
    with django_assert_max_num_queries(22):
        page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('class="slot"') == slots


@pytest.mark.parametrize("slots", [3, 30])
def test_quiz_start_page_and_api_queries_do_not_grow_with_slots(
    client, student, mentor, slots, django_assert_max_num_queries
):
    quiz = _quiz_of(mentor, slots)
    EnrollmentFactory(user=student, course=quiz.course)
    client.force_login(student)
    with django_assert_max_num_queries(19):
        page = client.get(reverse("assessments:quiz", args=[quiz.lesson_id]))
    assert page.status_code == 200
    api = APIClient()
    api.force_authenticate(student)
    with django_assert_max_num_queries(10):
        info = api.get(f"/api/v1/lessons/{quiz.lesson_id}/quiz/")
    assert info.status_code == 200
    fixed, random, tagged = (len(range(k, slots, 3)) for k in range(3))
    assert info.json()["questions"] == fixed + 2 * random + tagged
