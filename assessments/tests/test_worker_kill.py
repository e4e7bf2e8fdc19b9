"""Grading is exactly once even when a worker dies mid-grading.

Real workers (separate processes) on Redis and PostgreSQL: the first is SIGKILLed while it
holds an attempt's grading transaction; the message, acknowledged late, goes back to the queue
after the broker's visibility timeout and a second worker grades it. Every attempt ends graded
once: one automatic grade row each (a second would break a unique constraint), right scores.
"""

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from assessments.models import Attempt, GradeChange
from assessments.services import attempts as attempt_services
from assessments.tests.factories import QuizFactory, QuizSlotFactory
from enrollments.tests.factories import EnrollmentFactory
from kalpla.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _worker(markers: Path, delay: float) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "KALPLA_TEST_MARKERS": str(markers),
        "KALPLA_TEST_GRADING_DELAY": str(delay),
        "CELERY_BROKER_VISIBILITY_TIMEOUT": "3",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "assessments.tests.slow_worker"], cwd=ROOT, env=env
    )


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def services(settings):
    if not (settings.REDIS_URL and connection.vendor == "postgresql"):
        if settings.CI:
            pytest.fail("CI=true but no PostgreSQL and Redis: the worker-kill test cannot run")
        pytest.skip("needs PostgreSQL and Redis (always present with CI=true)")
    saved = {
        k: app.conf[k] for k in ("task_always_eager", "broker_url", "broker_transport_options")
    }
    app.conf.update(
        task_always_eager=False,
        broker_url=settings.REDIS_URL,
        broker_transport_options={"visibility_timeout": 3},
    )
    yield
    app.conf.update(saved)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_grading_leaves_every_attempt_graded_exactly_once(
    services, mentor, tmp_path, monkeypatch
):
    from assessments import tasks

    monkeypatch.setattr(tasks, "attempt_grade_queue", lambda **kwargs: None)  # queued below
    quiz = QuizFactory(lesson__module__course__instructors=[mentor])
    for answer in (True, False, True):
        QuizSlotFactory(quiz=quiz, question__raw={"answer": answer})
    attempts = []
    for i in range(4):
        student = EnrollmentFactory(course=quiz.course).user
        attempt = attempt_services.attempt_start(quiz=quiz, user=student)
        right = {aq.position: aq.data["answer"] for aq in attempt.questions.all()[: i % 4]}
        attempt_services.attempt_answers_save(attempt_id=attempt.pk, user=student, responses=right)
        attempt_services.attempt_submit(attempt_id=attempt.pk, user=student)
        attempts.append((attempt.pk, Decimal(min(i % 4, 3))))
    assert Attempt.objects.filter(state="submitted").count() == 4
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    for attempt_id, _score in attempts:
        for _twice in range(2):  # a duplicate delivery must change nothing either
            app.send_task(
                "assessments.attempt_grade", kwargs={"attempt_id": attempt_id}, queue=queue
            )

    first = _worker(tmp_path, delay=30)
    try:
        _wait(lambda: any(tmp_path.iterdir()), 60, "the first worker to start grading")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    killed_on = int(next(tmp_path.iterdir()).name.split("-")[1])
    assert Attempt.objects.get(pk=killed_on).state == "submitted"  # its grading rolled back

    second = _worker(tmp_path, delay=0)
    try:
        _wait(
            lambda: Attempt.objects.filter(state="graded").count() == 4,
            90,
            "the second worker to grade every attempt",
        )
    finally:
        second.terminate()
        second.wait(20)
    for attempt_id, score in attempts:
        attempt = Attempt.objects.get(pk=attempt_id)
        assert attempt.score == score
        assert GradeChange.objects.filter(attempt_id=attempt_id).count() == 1
    assert sum(1 for p in tmp_path.iterdir() if p.name.startswith(f"grading-{killed_on}-")) == 2
