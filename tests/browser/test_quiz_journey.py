"""Quizzes in Chromium: a student takes a timed quiz (autosave, resume after a reload, the
countdown), submits and reads the review; an abandoned page submits itself when time runs out;
a mentor grades an essay from the grading queue and the student sees the mark."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from assessments.models import Attempt
from assessments.tests.factories import QuizFactory, QuizSlotFactory
from enrollments.tests.factories import EnrollmentFactory

from .helpers import assert_page_basics, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quiz(db):
    mentor = UserFactory(roles=("Mentor",), name="Maya Mentor")
    quiz = QuizFactory(
        lesson__module__course__instructors=[mentor],
        lesson__title="Check yourself",
        time_limit=300,
        questions_per_page=2,
        attempts_allowed=2,
        review_right_answers="immediately",
    )
    QuizSlotFactory(
        quiz=quiz,
        position=1,
        question__kind="single_choice",
        question__text="Which planet is red?",
        question__raw={"options": [{"text": "Mars", "fraction": "1"}, {"text": "Venus"}]},
    )
    QuizSlotFactory(
        quiz=quiz,
        position=2,
        question__kind="short_answer",
        question__text="Name the largest planet.",
        question__raw={"answers": [{"text": "Jupiter"}]},
    )
    QuizSlotFactory(
        quiz=quiz,
        position=3,
        question__kind="essay",
        question__text="Why do planets orbit the sun?",
        question__raw={},
        question__points=4,
    )
    quiz.mentor = mentor
    return quiz


def test_student_takes_a_timed_quiz_resumes_submits_and_a_mentor_grades(
    page: Page, live_server, quiz
) -> None:
    base = live_server.url
    student = UserFactory(name="Asha Student")
    EnrollmentFactory(user=student, course=quiz.course)
    page.on("dialog", lambda dialog: dialog.accept())

    # From the lesson, to the quiz's rules, to the first page of questions.
    sign_in(page, base, student.email, PASSWORD)
    page.goto(f"{base}/courses/{quiz.course.slug}/lessons/{quiz.lesson_id}/")
    page.get_by_role("link", name="Open the quiz").click()
    expect(page.get_by_role("heading", name="Check yourself")).to_be_visible()
    expect(page.get_by_text("5 minutes")).to_be_visible()
    assert_page_basics(page, "quiz-start")
    page.get_by_role("button", name="Start the quiz").click()
    timer = page.get_by_role("timer")
    expect(timer).to_contain_text(re.compile(r"[45]:\d\d"))
    assert_page_basics(page, "quiz-attempt")

    # Answers are saved as they are given: a reload (or another device) finds them.
    page.get_by_label("Mars").check()
    page.get_by_label("Your answer").fill("jupiter")
    expect(page.locator("[data-save-state]")).to_have_text("Saved")
    page.reload()
    expect(page.get_by_label("Mars")).to_be_checked()
    expect(page.get_by_label("Your answer")).to_have_value("jupiter")

    page.get_by_role("button", name="Next").click()
    page.get_by_label("Your answer").fill("Gravity bends their path around it.")
    page.get_by_role("button", name="Finish attempt…").click()
    expect(page.get_by_role("heading", name="Submit your attempt?")).to_be_visible()
    page.get_by_role("button", name="Submit all and finish").click()

    # The review: right answers shown (the quiz allows it), the essay waits for the mentor.
    expect(page.get_by_role("heading", name=re.compile("Attempt 1: review"))).to_be_visible()
    expect(page.get_by_text("A mentor grades some of your answers")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Score: 2\.00 of 6\.00"))).to_be_visible()
    assert_page_basics(page, "quiz-review")

    # The mentor grades the essay from the home page's count.
    sign_out(page)
    sign_in(page, base, quiz.mentor.email, PASSWORD)
    page.goto(f"{base}/")
    page.get_by_role("link", name=re.compile("1 answer to grade")).click()
    page.get_by_role("link", name="Question 3").click()
    expect(page.get_by_text("Gravity bends their path around it.")).to_be_visible()
    assert_page_basics(page, "grade-answer")
    page.get_by_label("Score").fill("3.5")
    page.get_by_label("Comment for the student").fill("Good; mention inertia too.")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("Nothing to grade.")).to_be_visible()

    # The student sees the mark and the comment.
    sign_out(page)
    sign_in(page, base, student.email, PASSWORD)
    attempt = Attempt.objects.get(student=student)
    page.goto(f"{base}/quizzes/attempts/{attempt.pk}/review/")
    expect(page.get_by_text(re.compile(r"Score: 5\.50 of 6\.00"))).to_be_visible()
    expect(page.get_by_text("Good; mention inertia too.")).to_be_visible()


def test_an_open_page_submits_itself_when_time_runs_out(page: Page, live_server, quiz) -> None:
    base = live_server.url
    student = UserFactory()
    EnrollmentFactory(user=student, course=quiz.course)
    sign_in(page, base, student.email, PASSWORD)
    page.goto(f"{base}/quizzes/lessons/{quiz.lesson_id}/")
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label("Mars").check()
    expect(page.locator("[data-save-state]")).to_have_text("Saved")
    # Four seconds left, as the server counts: the page's countdown follows the server.
    Attempt.objects.filter(student=student).update(deadline=timezone.now() + timedelta(seconds=4))
    page.reload()
    expect(page.get_by_role("alert")).to_contain_text("Less than a minute left")
    expect(page.get_by_text("Submitted automatically when time was up.")).to_be_visible(
        timeout=15000
    )
    attempt = Attempt.objects.get(student=student)
    assert attempt.state in ("needs_grading", "graded")
    assert attempt.questions.get(position=0).score == 1
