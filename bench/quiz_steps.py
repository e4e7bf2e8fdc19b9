"""The Django side of the quiz suite (bench/quiz.py), run in a child process with the bench
environment (tasks go to Redis; the suite's Celery worker runs them):

    python -m bench.quiz_steps prepare OUT.json ROUNDS STUDENTS
    python -m bench.quiz_steps roundtrip IN.json OUT.json
    python -m bench.quiz_steps verify IN.json OUT.json SINCE

``prepare`` seeds a course with one quiz of every automatically graded question kind and
students with an open, answered attempt each; ``roundtrip`` measures submit -> graded result
against the no-op round trip plus the grading function; ``verify`` waits for the burst's
attempts to be graded and counts what grading wrote.
"""

import json
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count, Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from accounts.services import user_roles_set  # noqa: E402
from assessments.models import Attempt, GradeChange, QuizSlot  # noqa: E402
from assessments.services import attempts as attempt_services  # noqa: E402
from assessments.services import banks as bank_services  # noqa: E402
from assessments.services.grading import attempt_grade  # noqa: E402
from assessments.services.quizzes import quiz_ensure  # noqa: E402
from assessments.tasks import attempt_grade_task  # noqa: E402
from bench.noop_task import noop_task  # noqa: E402
from bench.prepare import session_for  # noqa: E402
from courses.models import Course, Lesson, Module  # noqa: E402
from enrollments.models import Enrollment  # noqa: E402
from notifications.models import Notification  # noqa: E402

# One question of every kind graded automatically (the essay waits for a mentor, so a quiz
# with one never ends "graded" on the worker); ordering is added by hand, as GIFT has none.
GIFT = r"""
::Types::What type does `type(3.0)` report? {=float#Right. ~int#Not quite. ~str#No.}

::Truthy values::Which of these values are truthy? {
  ~%50%[1, 2] ~%50%"hello" ~%-50%0 ~%-50%""
}

::Immutable::Python strings can be changed in place. {FALSE#They cannot.#Right.}

::Keyword::Which keyword starts a function definition? {=def =DEF}

::Integer division::What is `7 // 2`? {#3:0}

::Pi::Give pi to two decimal places. {#3.14:0.005}

::Operators::Match each operator with what it does. {
  =\=\= -> equal to
  =!\= -> not equal to
  =and -> both are true
  =or -> either is true
}

::Range::How many numbers does `range(5)` give? {#5}

::Continue::What does `continue` do? {=skips to the next turn ~ends the loop ~ends the program}
"""
ORDERING = {
    "text": "Put the steps of running a Python program in order.",
    "data": {"items": [{"text": "Write"}, {"text": "Run"}, {"text": "Compile"}, {"text": "Go"}]},
}
POLL = 0.002  # seconds between two looks at a result
WARMUP = 20  # submits that warm the freshly started server up before the burst


def _answer(kind: str, data: dict, right: bool) -> Any:
    """A right answer, or (``right`` False) a plausible wrong one."""
    if kind == "single_choice":
        options = sorted(data["options"], key=lambda o: Decimal(o["fraction"]))
        return options[-1 if right else 0]["id"]
    if kind == "multiple_choice":
        return [o["id"] for o in data["options"] if (Decimal(o["fraction"]) > 0) == right]
    if kind == "true_false":
        return data["answer"] if right else not data["answer"]
    if kind == "short_answer":
        return data["answers"][0]["text"] if right else "lambda"
    if kind == "numeric":
        return data["answers"][0]["value"] if right else "42"
    if kind == "matching":
        pairs = data["pairs"]
        return {p["id"]: (p if right else pairs[0])["answer"] for p in pairs}
    if kind == "ordering":
        ids = [i["id"] for i in data["items"]]
        return ids if right else ids[::-1]
    raise ValueError(kind)


@transaction.atomic
def _seed_quiz() -> tuple[Any, User]:
    now = timezone.now()
    mentor = User.objects.create_user(email="quiz-mentor@bench.test", name="Quiz Mentor")
    user_roles_set(user=mentor, roles=(Role.MENTOR,))
    course = Course.objects.create(
        slug="bench-quiz-course",
        title="Python basics, quiz bench",
        status=Course.Status.PUBLISHED,
        published_at=now,
        level=Course.Level.BEGINNER,
    )
    course.instructors.set([mentor])
    module = Module.objects.create(course=course, title="Module 1", order=0)
    lesson = Lesson.objects.create(
        module=module, course=course, title="Quiz: values", kind=Lesson.Kind.QUIZ, order=0
    )
    bank = bank_services.bank_create(user=mentor, course=course, title="Bench questions")
    report = bank_services.bank_import(user=mentor, bank=bank, fmt="gift", text=GIFT)
    assert not report.errors, report.errors
    bank_services.question_create(user=mentor, bank=bank, kind="ordering", points=2, **ORDERING)
    quiz = quiz_ensure(user=mentor, lesson=lesson)
    quiz.attempts_allowed = 0
    quiz.questions_per_page = 0
    quiz.save(update_fields=["attempts_allowed", "questions_per_page"])
    for position, question in enumerate(bank.questions.order_by("id"), start=1):
        QuizSlot.objects.create(quiz=quiz, question=question, position=position)
    return quiz, mentor


def prepare(out: str, rounds: int, students: int) -> None:
    cache.clear()  # only this suite's key prefix
    quiz, _mentor = _seed_quiz()
    total = 2 * rounds + WARMUP + students
    users = [
        User.objects.create_user(email=f"quiz-student{i}@bench.test", name=f"Student {i}")
        for i in range(total)
    ]
    Enrollment.objects.bulk_create(Enrollment(user=u, course=quiz.course) for u in users)
    attempts = []
    for i, user in enumerate(users):
        attempt = attempt_services.attempt_start(quiz=quiz, user=user)
        responses = {
            aq.position: _answer(aq.kind, aq.data, right=(i + aq.position) % 4 != 0)
            for aq in attempt.questions.all()
        }
        attempt_services.attempt_answers_save(attempt_id=attempt.pk, user=user, responses=responses)
        attempts.append(attempt.pk)
    api = 2 * rounds
    prepared = {
        "quiz": quiz.pk,
        "questions": quiz.slots.count(),
        "pipeline": [[a, u.pk] for a, u in zip(attempts[:rounds], users[:rounds], strict=True)],
        "in_process": attempts[rounds : 2 * rounds],
        "warmup": [
            {"attempt": a, "user": u.pk, "token": session_for(u)}
            for a, u in zip(attempts[api : api + WARMUP], users[api : api + WARMUP], strict=True)
        ],
        "burst": [
            {"attempt": a, "user": u.pk, "token": session_for(u)}
            for a, u in zip(attempts[api + WARMUP :], users[api + WARMUP :], strict=True)
        ],
    }
    with open(out, "w") as handle:
        json.dump(prepared, handle)


def _wait(look: Any, timeout: float = 30) -> None:
    deadline = time.perf_counter() + timeout
    while not look():
        if time.perf_counter() > deadline:
            raise SystemExit("timed out waiting for the worker (is it running on this queue?)")
        time.sleep(POLL)


def _graded(attempt_id: int, user: Any) -> bool:
    """What the student sees (GET /api/v1/attempts/<id>/ asks the same service)."""
    attempt = attempt_services.attempt_get_current(attempt_id=attempt_id, user=user)
    return attempt.state != Attempt.State.SUBMITTED


def roundtrip(source: str, out: str, warmup: int = 10) -> None:
    """Each round, one after the other: a no-op task's round trip, the grading function run
    here on an attempt submitted in place, and an attempt submitted through the service and
    graded on the worker (polled as its student until the result shows)."""
    data = json.loads(Path(source).read_text())
    users = {u.pk: u for u in User.objects.filter(pk__in=[u for _a, u in data["pipeline"]])}
    noop, grading, pipeline = [], [], []
    assert attempt_grade_task.app.conf.task_always_eager is False
    for i, ((attempt_id, user_id), own_id) in enumerate(
        zip(data["pipeline"], data["in_process"], strict=True)
    ):
        key = f"bench:noop:{i}:{time.time_ns()}"
        t0 = time.perf_counter()
        noop_task.delay(key=key)
        _wait(lambda key=key: cache.get(key) is not None)
        noop.append(time.perf_counter() - t0)

        Attempt.objects.filter(pk=own_id).update(
            state=Attempt.State.SUBMITTED, submitted_at=timezone.now()
        )
        t0 = time.perf_counter()
        assert attempt_grade(attempt_id=own_id)
        grading.append(time.perf_counter() - t0)

        user = users[user_id]
        t0 = time.perf_counter()
        attempt_services.attempt_submit(attempt_id=attempt_id, user=user)
        _wait(lambda attempt_id=attempt_id, user=user: _graded(attempt_id, user))
        pipeline.append(time.perf_counter() - t0)
    graded = Attempt.objects.filter(pk__in=[a for a, _u in data["pipeline"]], state="graded")
    with open(out, "w") as handle:
        json.dump(
            {
                "noop": noop[warmup:],
                "grading": grading[warmup:],
                "pipeline": pipeline[warmup:],
                "warmup": warmup,
                "graded": graded.count(),
            },
            handle,
        )


def verify(source: str, out: str, timeout: float) -> None:
    """Wait until every attempt of the burst is graded (or ``timeout``), then count."""
    data = json.loads(Path(source).read_text())
    ids = [row["attempt"] for row in data["burst"]]
    users = [row["user"] for row in data["burst"]]
    attempts = Attempt.objects.filter(pk__in=ids)
    deadline = time.monotonic() + timeout
    while attempts.filter(state=Attempt.State.SUBMITTED).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    states = dict(attempts.values_list("state").annotate(n=Count("id")))
    changes = GradeChange.objects.filter(attempt_id__in=ids, changed_by=None)
    per_attempt = dict(changes.values_list("attempt_id").annotate(n=Count("id")))
    notes = Notification.objects.filter(recipient_id__in=users)
    duplicate_notes = (
        notes.values("recipient_id", "kind").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    span = attempts.aggregate(last_submit=Max("submitted_at"), last=Max("graded_at"))
    first_submit = attempts.order_by("submitted_at").values_list("submitted_at", flat=True)[0]
    with open(out, "w") as handle:
        json.dump(
            {
                "attempts": len(ids),
                "states": states,
                "graded_once": sum(1 for n in per_attempt.values() if n == 1),
                "graded_twice": sum(1 for n in per_attempt.values() if n > 1),
                "grade_rows": sum(per_attempt.values()),
                "notifications": notes.count(),
                "duplicate_notifications": duplicate_notes,
                "submit_span_s": (span["last_submit"] - first_submit).total_seconds(),
                "graded_span_s": (span["last"] - first_submit).total_seconds()
                if span["last"]
                else None,
            },
            handle,
        )


if __name__ == "__main__":
    step, *rest = sys.argv[1:]
    if step == "prepare":
        prepare(rest[0], int(rest[1]), int(rest[2]))
    elif step == "roundtrip":
        roundtrip(rest[0], rest[1])
    elif step == "verify":
        verify(rest[0], rest[1], float(rest[2]))
    else:
        raise SystemExit(f"unknown step {step!r}")
