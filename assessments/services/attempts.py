"""A student's attempt at a quiz: start (or resume), save answers, check (immediate feedback),
submit. The server keeps time: the deadline is fixed when the attempt starts, answers after it
are refused, and the attempt is submitted at the deadline by a Celery job even if the student
closed the tab (``attempt_expire_task``, plus a sweep on beat in case a job was lost).
"""

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.verbs import Verb
from enrollments.access import lesson_access
from kalpla.exceptions import (
    ApplicationError,
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationError,
)

from .. import tasks
from ..engine.data import ZERO
from ..engine.grading import State, grade, penalised, response_clean
from ..engine.kinds import MANUALLY_GRADED
from ..engine.presentation import stable_sample, stable_shuffle
from ..models import Attempt, AttemptQuestion, Question, Quiz
from ..policies import attempt_can_view
from .grading import attempt_close, attempt_track, points_of


def _now() -> datetime:
    return timezone.now()


def quiz_attempts_used(*, quiz: Quiz, user: Any) -> int:
    return Attempt.objects.filter(quiz=quiz, student=user, is_preview=False).count()


def start_refusal(*, quiz: Quiz, user: Any, now: datetime) -> tuple[bool, ApplicationError | None]:
    """(is a preview, why ``user`` may not start an attempt now or None)."""
    access = lesson_access(user=user, lesson=quiz.lesson)
    if not access.allowed:
        return False, access.as_error()
    if not getattr(user, "is_authenticated", False):
        return False, NotAuthenticated(_("Sign in to take the quiz."))
    if access.enrollment is None or access.reason in ("staff", "instructor"):
        return True, None
    if quiz.opens_at and now < quiz.opens_at:
        return False, PermissionDenied(_("The quiz is not open yet."), code="quiz_not_open")
    if quiz.closes_at and now >= quiz.closes_at:
        return False, PermissionDenied(_("The quiz is closed."), code="quiz_closed")
    if quiz.attempts_allowed and quiz_attempts_used(quiz=quiz, user=user) >= quiz.attempts_allowed:
        return False, Conflict(_("You have used all your attempts."), code="no_attempts_left")
    return False, None


def _check_can_start(*, quiz: Quiz, user: Any, now: datetime) -> bool:
    """Raise when ``user`` may not start an attempt now; True for a preview (staff, mentors)."""
    preview, refusal = start_refusal(quiz=quiz, user=user, now=now)
    if refusal is not None:
        raise refusal
    return preview


def _draw(quiz: Quiz, seed: str) -> list[Question]:
    """The attempt's questions: fixed ones and random draws, none twice, in slot order."""
    chosen: list[Question] = []
    taken: set[int] = set()
    for slot in quiz.slots.select_related("question").order_by("position", "id"):
        if slot.question_id:
            if slot.question_id not in taken:
                chosen.append(slot.question)  # type: ignore[arg-type]
                taken.add(slot.question_id)
            continue
        pool = Question.objects.filter(bank_id=slot.bank_id).exclude(pk__in=taken)
        if slot.tag_id:
            pool = pool.filter(tags=slot.tag_id)
        ids = list(pool.order_by("pk").values_list("pk", flat=True))
        picked = stable_sample(ids, slot.count, seed=f"{seed}:slot{slot.pk}")
        by_id = Question.objects.in_bulk(picked)
        for pk in picked:
            chosen.append(by_id[pk])
            taken.add(pk)
    if quiz.shuffle_questions:
        chosen = stable_shuffle(chosen, seed=f"{seed}:questions")
    return chosen


def _deadline(quiz: Quiz, now: datetime, preview: bool) -> datetime | None:
    ends = [now + timedelta(seconds=quiz.time_limit)] if quiz.time_limit else []
    if quiz.closes_at and not preview:
        ends.append(quiz.closes_at)
    return min(ends) if ends else None


def _open_attempt(quiz: Quiz, user: Any) -> Attempt | None:
    return Attempt.objects.filter(quiz=quiz, student=user, state=Attempt.State.IN_PROGRESS).first()


def attempt_start(*, quiz: Quiz, user: Any) -> Attempt:
    """The user's open attempt (resumed, on any device), or a new one with its questions drawn."""
    now = _now()
    existing = _open_attempt(quiz, user)
    if existing is not None:
        if existing.deadline and existing.deadline <= now:
            attempt_expire(attempt_id=existing.pk)
        else:
            return existing
    preview = _check_can_start(quiz=quiz, user=user, now=now)
    try:
        with transaction.atomic():
            attempt = _create(quiz, user, now, preview)
    except IntegrityError:
        # Two starts at once (two tabs): the other one won; resume it.
        resumed = _open_attempt(quiz, user)
        if resumed is None:
            raise
        return resumed
    return attempt


def _create(quiz: Quiz, user: Any, now: datetime, preview: bool) -> Attempt:
    number = (
        Attempt.objects.filter(quiz=quiz, student=user).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    seed = secrets.token_hex(8)
    attempt = Attempt.objects.create(
        quiz=quiz,
        student=user,
        number=number,
        seed=seed,
        started_at=now,
        deadline=_deadline(quiz, now, preview),
        is_preview=preview,
    )
    per_page = quiz.questions_per_page
    rows = [
        AttemptQuestion(
            attempt=attempt,
            position=i,
            page=(i // per_page) if per_page else 0,
            question=q,
            kind=q.kind,
            text=q.text,
            points=q.points,
            data=q.data,
            feedback=q.feedback,
        )
        for i, q in enumerate(_draw(quiz, seed))
    ]
    if not rows:
        raise Conflict(_("This quiz has no questions yet."), code="quiz_empty")
    AttemptQuestion.objects.bulk_create(rows)
    attempt.max_score = sum((r.points for r in rows), ZERO)
    attempt.save(update_fields=["max_score"])
    if attempt.deadline is not None:
        deadline = attempt.deadline
        transaction.on_commit(lambda: tasks.attempt_expire_at(attempt_id=attempt.pk, at=deadline))
    attempt_track(attempt=attempt, verb=Verb.QUIZ_STARTED)
    return attempt


def attempt_get(*, attempt_id: int, user: Any) -> Attempt:
    attempt = (
        Attempt.objects.select_related("quiz__course", "quiz__lesson").filter(pk=attempt_id).first()
    )
    if attempt is None or not attempt_can_view(user=user, attempt=attempt):
        raise NotFound(_("Not found."))
    return attempt


def attempt_get_own(*, attempt_id: int, user: Any) -> Attempt:
    """The user's own attempt (only its student writes to it); NotFound for anyone else."""
    attempt = Attempt.objects.filter(pk=attempt_id, student_id=getattr(user, "pk", None)).first()
    if attempt is None:
        raise NotFound(_("Not found."))
    return attempt


def attempt_get_current(*, attempt_id: int, user: Any) -> Attempt:
    """The attempt as its viewer sees it now: an open attempt past its deadline is submitted
    first (the deadline job may not have run yet, or Celery runs eagerly)."""
    attempt = attempt_get(attempt_id=attempt_id, user=user)
    if (
        attempt.state == Attempt.State.IN_PROGRESS
        and attempt.deadline is not None
        and attempt.deadline <= _now()
    ):
        attempt_expire(attempt_id=attempt.pk)
        attempt = attempt_get(attempt_id=attempt_id, user=user)
    return attempt


def _locked_open_attempt(attempt_id: int, user: Any, now: datetime) -> Attempt:
    """The user's own attempt, row-locked, still open and before its deadline."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .filter(pk=attempt_id, student=user)
        .first()
    )
    if attempt is None:
        raise NotFound(_("Not found."))
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise Conflict(_("This attempt is already submitted."), code="attempt_closed")
    if attempt.deadline is not None and now > attempt.deadline:
        raise Conflict(_("Time is up: the attempt was submitted."), code="time_up")
    return attempt


def _time_up(attempt_id: int) -> None:
    """After refusing an answer past the deadline: submit the attempt now if no job did."""
    transaction.on_commit(lambda: attempt_expire(attempt_id=attempt_id))


def attempt_answers_save(
    *, attempt_id: int, user: Any, responses: Mapping[int, Any], page: int | None = None
) -> Attempt:
    """Autosave: store responses by question position (only those sent). A question checked
    to the end (immediate feedback) keeps its answer."""
    now = _now()
    try:
        with transaction.atomic():
            attempt = _locked_open_attempt(attempt_id, user, now)
            questions = {aq.position: aq for aq in attempt.questions.all()}
            changed = []
            errors: dict[str, list[str]] = {}
            for position, raw in responses.items():
                aq = questions.get(position)
                if aq is None:
                    errors[f"answers.{position}"] = [_("No such question.")]
                    continue
                if aq.locked:
                    errors[f"answers.{position}"] = [_("This question is finished.")]
                    continue
                try:
                    aq.response = response_clean(kind=aq.kind, data=aq.data, response=raw)
                except ValidationError as exc:
                    errors[f"answers.{position}"] = exc.errors.get("response", [exc.message])
                    continue
                aq.saved_at = now
                changed.append(aq)
            if errors:
                raise ValidationError(_("Some answers could not be saved."), errors=errors)
            AttemptQuestion.objects.bulk_update(changed, ["response", "saved_at"])
            if page is not None and 0 <= page <= max(
                (q.page for q in questions.values()), default=0
            ):
                attempt.current_page = page
                attempt.save(update_fields=["current_page"])
    except Conflict as exc:
        if exc.code == "time_up":
            _time_up(attempt_id)
        raise
    return attempt


def attempt_question_check(
    *, attempt_id: int, user: Any, position: int, response: Any
) -> AttemptQuestion:
    """Immediate feedback: grade one answer now. A wrong try costs the quiz's penalty; the
    question is finished when right or out of tries."""
    now = _now()
    try:
        with transaction.atomic():
            attempt = _locked_open_attempt(attempt_id, user, now)
            quiz = attempt.quiz
            if quiz.behaviour != Quiz.Behaviour.IMMEDIATE:
                raise Conflict(_("Answers are checked when you submit."), code="not_immediate")
            aq = attempt.questions.filter(position=position).first()
            if aq is None:
                raise NotFound(_("No such question."))
            if aq.locked:
                raise Conflict(_("This question is finished."), code="question_finished")
            if aq.kind in MANUALLY_GRADED:
                raise Conflict(_("A mentor grades this question."), code="manually_graded")
            aq.response = response_clean(kind=aq.kind, data=aq.data, response=response)
            if aq.response is None:
                raise ValidationError(
                    _("Answer before checking."), errors={"response": [_("Answer first.")]}
                )
            outcome = grade(kind=aq.kind, data=aq.data, response=aq.response)
            aq.tries += 1
            fraction = penalised(
                outcome.fraction or ZERO, wrong_tries=aq.wrong_tries, penalty=quiz.retry_penalty
            )
            if outcome.state != State.CORRECT:
                aq.wrong_tries += 1
            aq.locked = outcome.state == State.CORRECT or aq.tries >= quiz.max_tries
            aq.state = outcome.state
            aq.fraction = fraction
            aq.score = points_of(fraction, aq.points)
            aq.outcome_feedback = list(outcome.feedback)
            aq.saved_at = now
            aq.save()
    except Conflict as exc:
        if exc.code == "time_up":
            _time_up(attempt_id)
        raise
    return aq


def attempt_submit(*, attempt_id: int, user: Any, time_up: bool = False) -> Attempt:
    """Hand the attempt in; it is graded on the grading worker. Submitting twice is harmless.
    ``time_up``: the page's countdown reached zero (recorded as submitted at the deadline).

    Only locks, records and queues: the answer comes back with its quiz, course and lesson
    loaded, as ``attempt_get`` gives it, so the caller shows it without asking again."""
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz__course", "quiz__lesson")
            .filter(pk=attempt_id, student=user)
            .first()
        )
        if attempt is None:
            raise NotFound(_("Not found."))
        now = _now()
        late = attempt.deadline is not None and now >= attempt.deadline
        if attempt_close(attempt=attempt, now=now, auto=time_up or late):
            transaction.on_commit(lambda: tasks.attempt_grade_queue(attempt_id=attempt_id))
    return attempt


def attempt_expire(*, attempt_id: int) -> bool:
    """Submit an open attempt whose deadline has passed, found by a request (a resume or a
    refused late answer); its grading is queued like a submit. The deadline job does the same
    on the worker (``grading.attempt_expire_and_grade``)."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update(of=("self",)).filter(pk=attempt_id).first()
        now = _now()
        if attempt is None or attempt.deadline is None or attempt.deadline > now:
            return False
        if not attempt_close(attempt=attempt, now=now, auto=True):
            return False
        transaction.on_commit(lambda: tasks.attempt_grade_queue(attempt_id=attempt_id))
    return True
