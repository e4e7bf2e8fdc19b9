"""A Celery worker whose grading is slow, for the worker-kill test (run as a module).

Before grading an attempt it touches ``grading-<attempt id>-<pid>`` in KALPLA_TEST_MARKERS and
sleeps KALPLA_TEST_GRADING_DELAY seconds, inside the grading transaction, so the test can kill
it mid-grading. Everything else is the production worker.
"""

import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalpla.settings")
django.setup()

from assessments.services import grading  # noqa: E402
from kalpla.celery import app  # noqa: E402

MARKERS = Path(os.environ["KALPLA_TEST_MARKERS"])
DELAY = float(os.environ.get("KALPLA_TEST_GRADING_DELAY", "0"))
_grade_question = grading._grade_question


def _slow(aq: grading.AttemptQuestion, quiz: grading.Quiz) -> None:
    (MARKERS / f"grading-{aq.attempt_id}-{os.getpid()}").touch()
    time.sleep(DELAY)
    _grade_question(aq, quiz)


grading._grade_question = _slow  # type: ignore[assignment]

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            f"--queues={os.environ['CELERY_TASK_DEFAULT_QUEUE']}",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            f"--hostname=slow-{os.getpid()}@%h",
            *sys.argv[1:],
        ]
    )
