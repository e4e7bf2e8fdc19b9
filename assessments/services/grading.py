"""Closing and grading attempts. Runs on the grading worker (``assessments.tasks``).

Exactly once: ``attempt_grade`` locks the attempt row and grades only an attempt in state
``submitted``; a second delivery of the same task (acks late: a worker killed mid-grading leaves
its task to be delivered again) finds the attempt graded and does nothing. All the attempt's
rows are written in the one transaction that holds the lock, so a killed worker leaves no half
graded attempt behind.
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.tracking import ActorRef, ObjectRef, track
from activity.verbs import Verb
from kalpla.exceptions import Conflict, ValidationError
from kalpla.realtime import realtime_publish, user_group

from ..engine.data import ZERO
from ..engine.grading import State, grade, penalised
from ..models import Attempt, AttemptQuestion, GradeChange, Quiz
from ..signals import attempt_graded

CENTS = Decimal("0.01")


def points_of(fraction: Decimal | None, points: Decimal) -> Decimal | None:
    if fraction is None:
        return None
    return (fraction * points).quantize(CENTS, rounding=ROUND_HALF_UP)


def attempt_close(*, attempt: Attempt, now: datetime, auto: bool) -> bool:
    """Mark a locked, open attempt submitted (at the deadline if it passed); False if it was
    not open. The caller holds the row lock and grades or queues grading after."""
    if attempt.state != Attempt.State.IN_PROGRESS:
        return False
    at = now if attempt.deadline is None else min(now, attempt.deadline)
    attempt.state = Attempt.State.SUBMITTED
    attempt.submitted_at = at
    attempt.auto_submitted = auto
    attempt.save(update_fields=["state", "submitted_at", "auto_submitted"])
    attempt_track(attempt=attempt, verb=Verb.QUIZ_SUBMITTED)
    return True


def attempt_track(*, attempt: Attempt, verb: str) -> None:
    """The learning event of an attempt (analytics); previews by course staff are not one."""
    if attempt.is_preview:
        return
    result: dict[str, Any] | None = None
    if verb == Verb.QUIZ_GRADED:
        raw, top = attempt.score or ZERO, attempt.max_score or ZERO
        scaled = float(raw / top) if top else 0.0
        result = {
            "score": round(min(max(scaled, 0.0), 1.0), 4),
            "success": bool(top) and raw * 100 >= attempt.quiz.pass_percent * top,
            "raw": float(raw),
            "max": float(top),
        }
    track(
        actor=ActorRef(attempt.student_id),
        verb=verb,
        object=ObjectRef("quiz", attempt.quiz_id),
        context={"course": attempt.quiz.course_id, "attempt": attempt.number},
        result=result,
    )


def _grade_question(aq: AttemptQuestion, quiz: Quiz) -> None:
    if aq.locked:  # immediate feedback: graded when checked, with its penalty
        return
    outcome = grade(kind=aq.kind, data=aq.data, response=aq.response)
    fraction = outcome.fraction
    if fraction is not None and quiz.behaviour == Quiz.Behaviour.IMMEDIATE:
        fraction = penalised(fraction, wrong_tries=aq.wrong_tries, penalty=quiz.retry_penalty)
    aq.state = outcome.state
    aq.fraction = fraction
    aq.score = points_of(fraction, aq.points)
    aq.outcome_feedback = list(outcome.feedback)


def _total(questions: list[AttemptQuestion]) -> Decimal:
    return sum((aq.score or ZERO for aq in questions), ZERO)


@transaction.atomic
def attempt_grade(*, attempt_id: int) -> bool:
    """Grade a submitted attempt; False when there is nothing to do (already graded)."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or attempt.state != Attempt.State.SUBMITTED:
        return False
    questions = list(attempt.questions.all())
    for aq in questions:
        _grade_question(aq, attempt.quiz)
    AttemptQuestion.objects.bulk_update(
        questions, ["state", "fraction", "score", "outcome_feedback"]
    )
    waiting = any(aq.state == State.NEEDS_GRADING for aq in questions)
    attempt.state = Attempt.State.NEEDS_GRADING if waiting else Attempt.State.GRADED
    attempt.score = _total(questions)
    attempt.graded_at = timezone.now()
    attempt.save(update_fields=["state", "score", "graded_at"])
    GradeChange.objects.create(
        attempt=attempt, new_score=attempt.score, reason="graded automatically"
    )
    _announce(attempt)
    return True


def _announce(attempt: Attempt) -> None:
    if attempt.state == Attempt.State.GRADED:
        attempt_track(attempt=attempt, verb=Verb.QUIZ_GRADED)
    realtime_publish(
        group=user_group(attempt.student_id),
        type="quiz.attempt_graded",
        payload={"attempt_id": attempt.pk, "state": attempt.state},
    )
    transaction.on_commit(lambda: attempt_graded.send(sender=Attempt, attempt_id=attempt.pk))


@transaction.atomic
def attempt_question_grade(
    *,
    grader: Any,
    attempt_question_id: int,
    score: Decimal,
    comment: str | None = None,
    reason: str = "",
) -> AttemptQuestion:
    """A mentor's mark for one question (essays; or a regrade of any question, which keeps the
    old mark, who changed it and why in the attempt's ``GradeChange`` trail)."""
    aq = (
        AttemptQuestion.objects.select_for_update(of=("self",))
        .select_related("attempt")
        .get(pk=attempt_question_id)
    )
    attempt = Attempt.objects.select_for_update(of=("self",)).get(pk=aq.attempt_id)
    if attempt.state in (Attempt.State.IN_PROGRESS, Attempt.State.SUBMITTED):
        raise Conflict(_("The attempt is not graded yet."), code="not_graded")
    if score < 0 or score > aq.points:
        raise ValidationError(
            _("Give between 0 and %(points)s points.") % {"points": aq.points},
            errors={"score": [_("Out of range.")]},
        )
    old_score = aq.score
    aq.score = score.quantize(CENTS, rounding=ROUND_HALF_UP)
    aq.fraction = (aq.score / aq.points).quantize(Decimal("0.0000001"))
    aq.state = (
        State.CORRECT
        if aq.score == aq.points
        else State.PARTIAL
        if aq.score > 0
        else State.INCORRECT
    )
    if comment is not None:  # None keeps the comment the student already has
        aq.comment = comment
    aq.graded_by = grader
    aq.save(update_fields=["score", "fraction", "state", "comment", "graded_by"])
    GradeChange.objects.create(
        attempt=attempt,
        attempt_question=aq,
        changed_by=grader,
        old_score=old_score,
        new_score=aq.score,
        reason=(reason or ("graded by hand" if old_score is None else "regraded"))[:500],
    )
    questions = list(attempt.questions.all())
    attempt.score = _total(questions)
    if not any(q.state == State.NEEDS_GRADING for q in questions):
        attempt.state = Attempt.State.GRADED
    attempt.graded_at = timezone.now()
    attempt.save(update_fields=["score", "state", "graded_at"])
    _announce(attempt)
    aq.attempt = attempt
    return aq


@transaction.atomic
def attempt_expire_and_grade(*, attempt_id: int) -> bool:
    """The deadline job: submit the attempt if it is still open and its deadline has passed,
    then grade it in the same transaction. False when there was nothing to do."""
    attempt = Attempt.objects.select_for_update(of=("self",)).filter(pk=attempt_id).first()
    now = timezone.now()
    if attempt is None or attempt.deadline is None or attempt.deadline > now:
        return False
    if not attempt_close(attempt=attempt, now=now, auto=True):
        return False
    return attempt_grade(attempt_id=attempt_id)
