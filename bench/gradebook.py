"""The gradebook bench: ``python -m bench.gradebook`` (or ``run()`` from ``python -m bench``).

Recreates the bench database (``KALPLA_BENCH_DATABASE_URL``, its name must contain "bench";
bench/__main__.py's helpers), migrates it, and in this process seeds two courses by bulk
inserts: 500 and 5,000 learners x 20 items, every mark released. Then it measures the
mentors' gradebook page (the real view through Django's test client, first page sorted by
total) p95 over N runs against the p95 of one raw SQL aggregate computing the same numbers
(learners x items -> per-learner totals, sorted, first page), target within 3x; and checks
that the page runs the same number of queries at 500 and 5,000 learners. Writes
bench/results/gradebook.txt.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
RUNS = int(os.environ.get("KALPLA_BENCH_GRADEBOOK_RUNS", "40"))
ITEMS = 20
TARGET_RATIO = 3.0
# Its own database when run alone, so it never drops another suite's while that one runs.
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kalpla_bench_gradebook"


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def _timed(call: Callable[[], object], runs: int) -> list[float]:
    call()  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _setup_django(database_url: str) -> None:
    from bench.__main__ import bench_env, django_run, recreate_database

    env = bench_env(database_url)
    recreate_database(database_url)
    django_run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    django_run(["manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    for key, value in env.items():
        if key.startswith(("DJANGO_", "DATABASE_", "KALPLA_", "CELERY_", "REDIS_")):
            os.environ[key] = value
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_POOL"] = "false"
    import django

    django.setup()


def _seed(learners: int, tag: str) -> tuple[object, object]:
    """A course taught by a mentor with ``learners`` x ITEMS released marks (bulk inserts)."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.roles import Role
    from accounts.services import user_roles_set
    from assessments.models import GradeEntry, GradeItem, Quiz
    from assessments.services.gradebook import course_grades_refresh
    from courses.models import Course, Lesson, Module
    from enrollments.models import Enrollment

    User = get_user_model()
    mentor = User.objects.create(email=f"mentor-{tag}@bench.example", name=f"Mentor {tag}")
    user_roles_set(user=mentor, roles=(Role.MENTOR,))
    course = Course.objects.create(
        title=f"Gradebook {tag}", slug=f"gradebook-{tag}", status=Course.Status.PUBLISHED
    )
    course.instructors.add(mentor)
    module = Module.objects.create(course=course, title="Module", order=1)
    items = []
    for n in range(ITEMS):
        lesson = Lesson.objects.create(
            module=module, course=course, title=f"Quiz {n + 1}", kind="quiz", order=n + 1
        )
        quiz = Quiz.objects.create(lesson=lesson, course=course)
        items.append(
            GradeItem.objects.create(course=course, quiz=quiz, max_points=10, position=n + 1)
        )
    users = User.objects.bulk_create(
        [
            User(email=f"{tag}-{i:05d}@bench.example", name=f"Learner {i:05d}")
            for i in range(learners)
        ],
        batch_size=2000,
    )
    Enrollment.objects.bulk_create(
        [Enrollment(user=u, course=course) for u in users], batch_size=2000
    )
    now = timezone.now()
    GradeEntry.objects.bulk_create(
        [
            GradeEntry(
                item=item,
                student=u,
                points=Decimal((i * 7 + j * 3) % 11),
                submitted=True,
                released=True,
                updated_at=now,
            )
            for i, u in enumerate(users)
            for j, item in enumerate(items)
        ],
        batch_size=5000,
    )
    course_grades_refresh(course_id=course.pk)
    return course, mentor


RAW_SQL = """
SELECT e.student_id, u.name, SUM(e.points) * 100.0 / SUM(i.max_points) AS percent
FROM assessments_gradeentry e
JOIN assessments_gradeitem i ON i.id = e.item_id
JOIN accounts_user u ON u.id = e.student_id
WHERE i.course_id = %s
GROUP BY e.student_id, u.name
ORDER BY percent DESC, u.name
LIMIT 50
"""


def run(*, database_url: str, log: Callable[[str], None]) -> list[tuple[str, bool]]:
    _setup_django(database_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from assessments.services.gradebook import course_grades_refresh

    log("gradebook: seeding 500 and 5,000 learners x 20 items")
    started = time.perf_counter()
    small, small_mentor = _seed(500, "s")
    large, large_mentor = _seed(5000, "l")
    log(f"gradebook: seeded in {time.perf_counter() - started:.1f} s")

    def page_queries(course: object, mentor: object) -> tuple[Client, str, int]:
        client = Client()
        client.force_login(mentor)  # type: ignore[arg-type]
        url = reverse("assessments:gradebook", args=[course.slug]) + "?ordering=-total"  # type: ignore[attr-defined]
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return client, url, len(ctx.captured_queries)

    _c, _u, small_queries = page_queries(small, small_mentor)
    client, url, large_queries = page_queries(large, large_mentor)
    page = _timed(lambda: client.get(url), RUNS)

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(RAW_SQL, [large.pk])  # type: ignore[attr-defined]
            cursor.fetchall()

    sql = _timed(raw, RUNS)
    page_p95, sql_p95 = _p95(page), _p95(sql)
    ratio = page_p95 / sql_p95
    refresh = _timed(lambda: course_grades_refresh(course_id=large.pk), 5)  # type: ignore[attr-defined]
    lines = [
        (
            f"gradebook page, 5,000 learners x 20 items, first page by total: p95 "
            f"{page_p95:.1f} ms vs raw SQL aggregate p95 {sql_p95:.1f} ms = {ratio:.2f}x "
            f"(target <= {TARGET_RATIO:.0f}x, {RUNS} runs)",
            ratio <= TARGET_RATIO,
        ),
        (
            f"gradebook page queries: {small_queries} at 500 learners, {large_queries} at "
            "5,000 (target: the same)",
            small_queries == large_queries,
        ),
        (
            f"whole-course recount (one statement), 5,000 x 20: median "
            f"{statistics.median(refresh):.0f} ms (information)",
            True,
        ),
    ]
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [f"# Gradebook bench, {stamp}, load {os.getloadavg()[0]:.2f}"]
        + [f"{'PASS' if ok else 'FAIL'}  {line}" for line, ok in lines]
    )
    (RESULTS / "gradebook.txt").write_text(text + "\n")
    return lines


def main() -> int:
    from bench.__main__ import log

    database_url = os.environ.get("KALPLA_BENCH_DATABASE_URL", DEFAULT_DB)
    lines = run(database_url=database_url, log=log)
    for line, ok in lines:
        print(f"{'PASS' if ok else 'FAIL'}  {line}")
    return 0 if all(ok for _line, ok in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
