"""Attempts: start and resume, draws and shuffles, server-side time, submit and grading,
immediate feedback with penalties, review options, attempt limits and grading methods."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Attempt
from assessments.selectors import attempt_view, quiz_grade
from assessments.services import attempts as svc
from assessments.services.grading import (
    attempt_expire_and_grade,
    attempt_grade,
    attempt_question_grade,
)
from assessments.tests.factories import (
    QuestionBankFactory,
    QuestionFactory,
    QuestionTagFactory,
    QuizFactory,
    QuizSlotFactory,
)
from enrollments.tests.factories import EnrollmentFactory
from kalpla.exceptions import Conflict, NotFound, PermissionDenied, ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(mentor):
    quiz = QuizFactory(lesson__module__course__instructors=[mentor])
    for answer in (True, False, True):
        QuizSlotFactory(quiz=quiz, question__raw={"answer": answer})
    return quiz


@pytest.fixture
def learner(student, quiz):
    EnrollmentFactory(user=student, course=quiz.course)
    return student


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks, monkeypatch):
    """Run what services queue on commit (grading on eager Celery) when the service returns."""

    def committing(fn):
        def run(**kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return fn(**kwargs)

        return run

    for name in ("attempt_submit", "attempt_answers_save", "attempt_start"):
        monkeypatch.setattr(svc, name, committing(getattr(svc, name)))


def _answer_all(attempt, user, right=True):
    answers = {aq.position: aq.data["answer"] == right for aq in attempt.questions.all()}
    svc.attempt_answers_save(attempt_id=attempt.pk, user=user, responses=answers)


def test_start_draws_the_quiz_and_resume_gives_the_same_attempt(quiz, learner):
    attempt = svc.attempt_start(quiz=quiz, user=learner)
    assert attempt.state == Attempt.State.IN_PROGRESS
    assert attempt.questions.count() == 3
    assert attempt.max_score == Decimal(3)
    assert attempt.deadline is None
    again = svc.attempt_start(quiz=quiz, user=learner)
    assert again.pk == attempt.pk
    assert attempt_view(attempt=again, viewer=learner) == attempt_view(
        attempt=attempt, viewer=learner
    )


def test_only_students_who_may_open_the_lesson_start(quiz, student, user):
    with pytest.raises(PermissionDenied):
        svc.attempt_start(quiz=quiz, user=student)  # not enrolled


def test_instructors_preview_and_their_attempts_count_for_nothing(quiz, mentor):
    attempt = svc.attempt_start(quiz=quiz, user=mentor)
    assert attempt.is_preview
    _answer_all(attempt, mentor)
    svc.attempt_submit(attempt_id=attempt.pk, user=mentor)
    assert quiz_grade(quiz=quiz, user=mentor) is None


def test_submit_grades_on_the_worker_exactly_once(quiz, learner):
    attempt = svc.attempt_start(quiz=quiz, user=learner)
    _answer_all(attempt, learner)
    svc.attempt_submit(attempt_id=attempt.pk, user=learner)  # eager Celery grades on commit
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED
    assert attempt.score == Decimal(3)
    assert attempt_grade(attempt_id=attempt.pk) is False  # a second delivery does nothing
    svc.attempt_submit(attempt_id=attempt.pk, user=learner)  # submitting twice is harmless
    assert quiz_grade(quiz=quiz, user=learner) == Decimal(3)


def test_answers_after_submit_are_refused(quiz, learner):
    attempt = svc.attempt_start(quiz=quiz, user=learner)
    svc.attempt_submit(attempt_id=attempt.pk, user=learner)
    with pytest.raises(Conflict) as exc:
        svc.attempt_answers_save(attempt_id=attempt.pk, user=learner, responses={0: True})
    assert exc.value.code == "attempt_closed"


def test_another_student_cannot_touch_the_attempt(quiz, learner):
    from accounts.tests.factories import UserFactory

    attempt = svc.attempt_start(quiz=quiz, user=learner)
    other = UserFactory(roles=("Student",))
    with pytest.raises(NotFound):
        svc.attempt_answers_save(attempt_id=attempt.pk, user=other, responses={0: True})
    with pytest.raises(NotFound):
        svc.attempt_get(attempt_id=attempt.pk, user=other)
    with pytest.raises(NotFound):
        svc.attempt_submit(attempt_id=attempt.pk, user=other)


def test_bad_answers_name_the_question(quiz, learner):
    attempt = svc.attempt_start(quiz=quiz, user=learner)
    with pytest.raises(ValidationError) as exc:
        svc.attempt_answers_save(attempt_id=attempt.pk, user=learner, responses={0: "yes", 7: True})
    assert set(exc.value.errors) == {"answers.0", "answers.7"}
    assert attempt.questions.filter(response__isnull=False).count() == 0  # nothing half saved


def test_time_limit_is_kept_by_the_server(quiz, learner, monkeypatch):
    quiz.time_limit = 600
    quiz.save()
    attempt = svc.attempt_start(quiz=quiz, user=learner)
    assert attempt.deadline == attempt.started_at + timedelta(seconds=600)
    _answer_all(attempt, learner)
    later = attempt.deadline + timedelta(seconds=1)
    monkeypatch.setattr(svc, "_now", lambda: later)
    with pytest.raises(Conflict) as exc:
        svc.attempt_answers_save(attempt_id=attempt.pk, user=learner, responses={0: False})
    assert exc.value.code == "time_up"
    attempt.refresh_from_db()
    # The refused answer submitted the attempt at its deadline, with the answers saved before.
    assert attempt.state == Attempt.State.GRADED
    assert attempt.auto_submitted
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score == Decimal(3)


def test_the_deadline_job_submits_an_abandoned_attempt(quiz, learner, monkeypatch):
    quiz.time_limit = 60
    quiz.save()
    attempt = svc.attempt_start(quiz=quiz, user=learner)
    _answer_all(attempt, learner, right=False)
    assert attempt_expire_and_grade(attempt_id=attempt.pk) is False  # not yet
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    from assessments.tasks import attempts_expire_overdue_task

    assert attempts_expire_overdue_task() == 1
    attempt.refresh_from_db()
    assert (attempt.state, attempt.auto_submitted, attempt.score) == (
        Attempt.State.GRADED,
        True,
        Decimal(0),
    )


def test_the_deadline_is_capped_by_the_closing_date(quiz, learner):
    quiz.time_limit = 3600
    quiz.closes_at = timezone.now() + timedelta(minutes=10)
    quiz.save()
    attempt = svc.attempt_start(quiz=quiz, user=learner)
    assert attempt.deadline == quiz.closes_at


def test_open_and_close_dates(quiz, learner):
    quiz.opens_at = timezone.now() + timedelta(hours=1)
    quiz.save()
    with pytest.raises(PermissionDenied) as exc:
        svc.attempt_start(quiz=quiz, user=learner)
    assert exc.value.code == "quiz_not_open"
    quiz.opens_at = timezone.now() - timedelta(hours=2)
    quiz.closes_at = timezone.now() - timedelta(hours=1)
    quiz.save()
    with pytest.raises(PermissionDenied) as exc:
        svc.attempt_start(quiz=quiz, user=learner)
    assert exc.value.code == "quiz_closed"


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", "3.00"), ("last", "0.00"), ("first", "1.00"), ("average", "1.33")],
)
def test_attempt_limit_and_grading_methods(quiz, learner, method, expected):
    quiz.attempts_allowed = 3
    quiz.grading_method = method
    quiz.save()
    for right_count in (1, 3, 0):
        attempt = svc.attempt_start(quiz=quiz, user=learner)
        rows = list(attempt.questions.all())
        answers = {
            aq.position: aq.data["answer"] if i < right_count else not aq.data["answer"]
            for i, aq in enumerate(rows)
        }
        svc.attempt_answers_save(attempt_id=attempt.pk, user=learner, responses=answers)
        svc.attempt_submit(attempt_id=attempt.pk, user=learner)
    with pytest.raises(Conflict) as exc:
        svc.attempt_start(quiz=quiz, user=learner)
    assert exc.value.code == "no_attempts_left"
    assert quiz_grade(quiz=quiz, user=learner) == Decimal(expected)


def test_random_draw_by_tag_without_repeats_and_stable_shuffle(mentor, student):
    quiz = QuizFactory(lesson__module__course__instructors=[mentor], shuffle_questions=True)
    bank = QuestionBankFactory(course=quiz.course)
    hard = QuestionTagFactory(bank=bank, name="hard")
    hard_ones = [QuestionFactory(bank=bank, tags=[hard]) for _ in range(5)]
    for _ in range(5):
        QuestionFactory(bank=bank)
    fixed = hard_ones[0]
    QuizSlotFactory(quiz=quiz, question=fixed, position=1)
    from assessments.models import QuizSlot

    QuizSlot.objects.create(quiz=quiz, bank=bank, tag=hard, count=3, position=2)
    QuizSlot.objects.create(quiz=quiz, bank=bank, count=4, position=3)
    EnrollmentFactory(user=student, course=quiz.course)
    attempt = svc.attempt_start(quiz=quiz, user=student)
    ids = list(attempt.questions.values_list("question_id", flat=True))
    assert len(ids) == 8 and len(set(ids)) == 8
    assert fixed.pk in ids
    hard_ids = {q.pk for q in hard_ones}
    assert len(hard_ids & set(ids)) >= 4  # the fixed one and three drawn by tag
    order = [q["text"] for q in attempt_view(attempt=attempt, viewer=student)["questions"]]
    again = Attempt.objects.get(pk=attempt.pk)
    assert [q["text"] for q in attempt_view(attempt=again, viewer=student)["questions"]] == order


def test_immediate_feedback_penalises_wrong_tries(quiz, learner):
    quiz.behaviour = "immediate"
    quiz.retry_penalty = Decimal("0.25")
    quiz.max_tries = 3
    quiz.save()
    attempt = svc.attempt_start(quiz=quiz, user=learner)
    first, second, third = attempt.questions.order_by("position")
    wrong = svc.attempt_question_check(
        attempt_id=attempt.pk,
        user=learner,
        position=first.position,
        response=not first.data["answer"],
    )
    assert (wrong.state, wrong.locked, wrong.tries) == ("incorrect", False, 1)
    right = svc.attempt_question_check(
        attempt_id=attempt.pk, user=learner, position=first.position, response=first.data["answer"]
    )
    assert (right.state, right.locked, right.score) == ("correct", True, Decimal("0.75"))
    with pytest.raises(Conflict):
        svc.attempt_question_check(
            attempt_id=attempt.pk, user=learner, position=first.position, response=True
        )
    for _ in range(3):
        last = svc.attempt_question_check(
            attempt_id=attempt.pk,
            user=learner,
            position=second.position,
            response=not second.data["answer"],
        )
    assert last.locked and last.score == Decimal(0)
    svc.attempt_answers_save(
        attempt_id=attempt.pk, user=learner, responses={third.position: third.data["answer"]}
    )
    svc.attempt_submit(attempt_id=attempt.pk, user=learner)
    attempt.refresh_from_db()
    assert attempt.score == Decimal("1.75")


def test_checking_answers_is_only_for_immediate_feedback(quiz, learner):
    attempt = svc.attempt_start(quiz=quiz, user=learner)
    with pytest.raises(Conflict) as exc:
        svc.attempt_question_check(attempt_id=attempt.pk, user=learner, position=0, response=True)
    assert exc.value.code == "not_immediate"


def test_review_options_decide_what_the_student_sees(quiz, learner, mentor):
    quiz.review_score = "immediately"
    quiz.review_correctness = "never"
    quiz.review_right_answers = "after_close"
    quiz.review_feedback = "never"
    quiz.save()
    attempt = svc.attempt_start(quiz=quiz, user=learner)
    during = attempt_view(attempt=attempt, viewer=learner)
    assert during["score"] is None and "review" not in during["questions"][0]
    _answer_all(attempt, learner)
    svc.attempt_submit(attempt_id=attempt.pk, user=learner)
    attempt.refresh_from_db()
    after = attempt_view(attempt=attempt, viewer=learner)
    assert after["score"] == "3.00"
    assert after["questions"][0]["review"] == {"score": "1.00"}
    # the mentor sees everything
    full = attempt_view(attempt=attempt, viewer=mentor)["questions"][0]["review"]
    assert {"score", "state", "right_answer", "feedback"} <= set(full)
    # after the quiz closes, right answers appear
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.opens_at = None
    quiz.save()
    attempt.refresh_from_db()
    closed = attempt_view(attempt=attempt, viewer=learner)["questions"][0]["review"]
    assert set(closed) == {"score", "right_answer"}


def test_essays_wait_for_a_mentor(mentor, student):
    quiz = QuizFactory(lesson__module__course__instructors=[mentor])
    QuizSlotFactory(quiz=quiz, question__kind="essay", question__raw={}, question__points=5)
    QuizSlotFactory(quiz=quiz)
    EnrollmentFactory(user=student, course=quiz.course)
    attempt = svc.attempt_start(quiz=quiz, user=student)
    essay, tf = attempt.questions.order_by("position")
    svc.attempt_answers_save(
        attempt_id=attempt.pk,
        user=student,
        responses={essay.position: "My essay.", tf.position: True},
    )
    svc.attempt_submit(attempt_id=attempt.pk, user=student)
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.NEEDS_GRADING
    assert attempt.score == Decimal(1)
    with pytest.raises(ValidationError):
        attempt_question_grade(grader=mentor, attempt_question_id=essay.pk, score=Decimal(6))
    attempt_question_grade(
        grader=mentor, attempt_question_id=essay.pk, score=Decimal(4), comment="Good."
    )
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score) == (Attempt.State.GRADED, Decimal(5))


def test_two_starts_at_once_share_one_attempt(quiz, learner):
    a = svc.attempt_start(quiz=quiz, user=learner)
    b = svc.attempt_start(quiz=quiz, user=learner)
    assert a.pk == b.pk
    assert Attempt.objects.filter(quiz=quiz, student=learner).count() == 1
