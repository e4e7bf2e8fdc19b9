"""The quiz pages in a browser's place: start, answer page by page (no JavaScript), check an
answer, confirm, submit, review; refusals; and the leak walk over every page."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from assessments.models import Attempt
from assessments.tests.factories import QuizFactory, QuizSlotFactory
from assessments.tests.test_api import SECRETS
from enrollments.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(mentor):
    quiz = QuizFactory(lesson__module__course__instructors=[mentor], questions_per_page=1)
    QuizSlotFactory(quiz=quiz, question__raw={"answer": True})
    QuizSlotFactory(
        quiz=quiz,
        question__kind="single_choice",
        question__raw={"options": [{"text": "Paris", "fraction": "1"}, {"text": "Rome"}]},
    )
    return quiz


@pytest.fixture
def browser(client, student, quiz, django_capture_on_commit_callbacks):
    EnrollmentFactory(user=student, course=quiz.course)
    client.force_login(student)
    original = client.generic

    def committing(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(*args, **kwargs)

    client.generic = committing
    return client


def test_take_a_quiz_without_javascript(quiz, browser):
    start = reverse("assessments:quiz", args=[quiz.lesson_id])
    page = browser.get(start)
    assert page.status_code == 200
    assert "Start the quiz" in page.content.decode()
    started = browser.post(start)
    attempt = Attempt.objects.get(quiz=quiz)
    assert started.url == reverse("assessments:attempt", args=[attempt.pk])
    _first, second = attempt.questions.order_by("position")
    html = browser.get(started.url).content.decode()
    assert 'name="q0"' in html and 'name="q1"' not in html  # one question per page
    moved = browser.post(started.url, {"page": "0", "q0": "true", "action": "next"})
    assert moved.status_code == 302 and moved.url.endswith("?page=1")
    paris = next(o["id"] for o in second.data["options"] if o["text"] == "Paris")
    html = browser.get(moved.url).content.decode()
    assert "Paris" in html and 'name="q1"' in html
    done = browser.post(started.url, {"page": "1", "q1": paris, "action": "finish"})
    assert done.url == reverse("assessments:attempt_finish", args=[attempt.pk])
    confirm = browser.get(done.url).content.decode()
    assert "Submit all and finish" in confirm
    review = browser.post(done.url)
    assert review.url == reverse("assessments:attempt_review", args=[attempt.pk])
    html = browser.get(review.url).content.decode()
    assert "2.00" in html  # the score
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED


def test_immediate_feedback_check_button(quiz, browser):
    quiz.behaviour = "immediate"
    quiz.save()
    browser.post(reverse("assessments:quiz", args=[quiz.lesson_id]))
    attempt = Attempt.objects.get(quiz=quiz)
    url = reverse("assessments:attempt", args=[attempt.pk])
    assert "Check" in browser.get(url).content.decode()
    browser.post(url, {"page": "0", "q0": "false", "action": "check-0"})
    html = browser.get(url + "?page=0").content.decode()
    assert "Not right." in html


def test_refusals(quiz, client, student, browser):
    outsider = UserFactory(roles=("Student",))
    other = client.__class__()
    other.force_login(outsider)
    start = reverse("assessments:quiz", args=[quiz.lesson_id])
    assert other.get(start).status_code == 403
    browser.post(start)
    attempt = Attempt.objects.get(quiz=quiz)
    for name in ("attempt", "attempt_finish", "attempt_review"):
        assert other.get(reverse(f"assessments:{name}", args=[attempt.pk])).status_code == 404
    anonymous = client.__class__()
    assert anonymous.get(start).status_code == 302


def test_no_quiz_page_leaks_answers(mentor, client, student, django_capture_on_commit_callbacks):
    quiz = QuizFactory(
        lesson__module__course__instructors=[mentor],
        review_score="never",
        review_correctness="never",
        review_right_answers="never",
        review_feedback="never",
        questions_per_page=0,
    )
    for kind, (raw, _secret) in SECRETS.items():
        QuizSlotFactory(
            quiz=quiz, question__kind=kind, question__raw=raw, question__feedback="SECRET-GENERAL"
        )
    EnrollmentFactory(user=student, course=quiz.course)
    client.force_login(student)
    pages = []
    start = reverse("assessments:quiz", args=[quiz.lesson_id])
    pages.append(client.get(start))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(start)
    attempt = Attempt.objects.get(quiz=quiz)
    pages.append(client.get(reverse("assessments:attempt", args=[attempt.pk])))
    pages.append(client.get(reverse("assessments:attempt_finish", args=[attempt.pk])))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:attempt_finish", args=[attempt.pk]))
    pages.append(client.get(reverse("assessments:attempt_review", args=[attempt.pk])))
    pages.append(client.get(start))
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        for kind, (_raw, secret) in SECRETS.items():
            if secret and secret != "-1":
                assert secret not in html, kind
        assert "SECRET-GENERAL" not in html
        assert "Right answer" not in html


def test_the_lesson_player_and_the_course_editor_link_to_the_quiz(quiz, browser, mentor, client):
    lesson = quiz.lesson
    player = browser.get(reverse("courses:lesson", args=[quiz.course.slug, lesson.pk]))
    assert reverse("assessments:quiz", args=[lesson.pk]) in player.content.decode()
    client.force_login(mentor)
    editor = client.get(reverse("courses:teach_lesson", args=[lesson.pk])).content.decode()
    assert reverse("assessments:teach_quiz", args=[lesson.pk]) in editor
    outline = client.get(reverse("courses:teach_outline", args=[quiz.course.slug])).content.decode()
    assert reverse("assessments:teach_banks", args=[quiz.course.slug]) in outline
