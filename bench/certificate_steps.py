"""The Django side of the certificates suite (bench/certificates.py), run in a child process
with the bench environment (jobs go to Redis; the suite's Celery worker runs them):

    python -m bench.certificate_steps prepare COUNT
    python -m bench.certificate_steps block OUT.json FIRST COUNT

``prepare`` issues COUNT certificates (rows only, no PDF yet) to as many students of one
course. ``block`` takes certificates FIRST..FIRST+COUNT (by id) and renders their PDFs twice:
in a loop calling the rendering function, then through the job pipeline (the block's jobs
enqueued ISSUE_CHUNK to a transaction as a course's grade release does, a real worker running them),
and writes both times.
"""

import json
import sys
import time
from pathlib import Path

import django

django.setup()

from django.core.files.storage import default_storage  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from assessments.certificate_pdf import certificate_pdf  # noqa: E402
from assessments.jobs import certificate_verify_url  # noqa: E402
from assessments.models import Certificate  # noqa: E402
from assessments.services.certificates import ISSUE_CHUNK, certificate_code  # noqa: E402
from courses.models import Course  # noqa: E402
from jobs.models import ProcessingJob  # noqa: E402
from jobs.services import job_enqueue  # noqa: E402

KIND = "assessments.certificate_pdf"


def prepare(count: int) -> None:
    now = timezone.now()
    course = Course.objects.create(
        slug="bench-certificate-course",
        title="Python basics: from values to functions",
        status=Course.Status.PUBLISHED,
        published_at=now,
        level=Course.Level.BEGINNER,
    )
    students = User.objects.bulk_create(
        User(email=f"graduate{i}@bench.test", name=f"Graduate Number {i}", password="!")
        for i in range(count)
    )
    Certificate.objects.bulk_create(
        Certificate(
            student=student,
            course=course,
            code=certificate_code(),
            name=student.name,
            course_title=course.title,
            instructors="Asha Verma, Kiran Rao",
            issued_at=now,
        )
        for student in students
    )


def _wait_for_jobs(ids: list[int], timeout: float = 600) -> None:
    jobs = ProcessingJob.objects.filter(kind=KIND, object_id__in=[str(i) for i in ids])
    deadline = time.monotonic() + timeout
    while jobs.filter(status=ProcessingJob.Status.SUCCEEDED).count() < len(ids):
        failed = jobs.filter(status=ProcessingJob.Status.FAILED).first()
        if failed is not None:
            raise SystemExit(f"certificate job {failed.pk} failed: {failed.error}")
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the certificate jobs")
        time.sleep(0.1)


def block(out: str, first: int, count: int) -> None:
    certificates = list(Certificate.objects.order_by("id")[first : first + count])
    ids = [c.pk for c in certificates]

    cpu, t0 = time.process_time(), time.perf_counter()
    sizes = [
        len(certificate_pdf(certificate=c, verify_url=certificate_verify_url(c)))
        for c in certificates
    ]
    loop = time.perf_counter() - t0
    loop_cpu = time.process_time() - cpu

    cpu, t0 = time.process_time(), time.perf_counter()
    # As a course's grade release issues them (certificates_issue_for_course): ISSUE_CHUNK to
    # a transaction, so the jobs reach the worker in shared messages (KALPLA_JOB_BATCH_SIZES).
    for start in range(0, len(certificates), ISSUE_CHUNK):
        with transaction.atomic():
            for certificate in certificates[start : start + ISSUE_CHUNK]:
                job_enqueue(kind=KIND, target=certificate)
    enqueue_cpu = time.process_time() - cpu
    _wait_for_jobs(ids)
    pipeline = time.perf_counter() - t0
    pipeline_cpu = time.process_time() - cpu

    stored = Certificate.objects.filter(pk__in=ids).exclude(pdf="").values_list("pdf", flat=True)
    present = sum(1 for name in stored if default_storage.exists(name))
    Path(out).write_text(
        json.dumps(
            {
                "count": count,
                "loop_s": loop,
                "loop_cpu_s": loop_cpu,
                "pipeline_s": pipeline,
                "enqueue_cpu_s": enqueue_cpu,
                "client_cpu_s": pipeline_cpu,
                "stored": present,
                "bytes": sum(sizes) / len(sizes),
            }
        )
    )


if __name__ == "__main__":
    step, *rest = sys.argv[1:]
    if step == "prepare":
        prepare(int(rest[0]))
    elif step == "block":
        block(rest[0], int(rest[1]), int(rest[2]))
    else:
        raise SystemExit(f"unknown step {step!r}")
