"""The Django side of the analytics_dashboard suite (bench/analytics_dashboard.py), run in a
child process with the bench environment:

    python -m bench.analytics_dashboard_steps prepare
    python -m bench.analytics_dashboard_steps events COUNT SEED
    python -m bench.analytics_dashboard_steps rollup OUT.json
    python -m bench.analytics_dashboard_steps measure OUT.json ROUNDS

``prepare`` makes a mentor teaching course 1 of 20 courses (10 lessons each) and a staff
user. ``events`` appends COUNT raw events with one INSERT ... SELECT over generate_series
(5,000 actors, the 20 courses, the past 90 days, the verbs of the issue with their result
conventions). ``rollup`` recomputes the 90 days (timing each day), then vacuums the rollup
tables as autovacuum would (statistics, visibility map). ``measure`` requests the
mentor's course dashboard page and its API through the Django test client, each round with
the cached figures retired first (the cost after a rollup) and once more warm, counting the
statements of each request.
"""

import json
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from accounts.services import user_roles_set  # noqa: E402
from analytics.models import (  # noqa: E402
    CourseCompletion,
    CourseDay,
    CourseLearnerDay,
    CourseLessonDay,
    PersonDay,
    RevenueDay,
    SiteDay,
)
from analytics.selectors.rollups import ROLLUP_CACHE_SCOPE  # noqa: E402
from analytics.services.rollups import rollup_day  # noqa: E402
from courses.models import Course, Lesson, Module  # noqa: E402
from kalpla.cache import cache_version_bump  # noqa: E402

ROLLUP_MODELS = (
    SiteDay,
    PersonDay,
    CourseDay,
    CourseLearnerDay,
    CourseLessonDay,
    CourseCompletion,
    RevenueDay,
)
COURSES = 20
LESSONS = 10
ACTORS = 5000
DAYS = 90
MENTOR = "bench-analytics-mentor@example.com"
VERBS = [
    "lesson_viewed",
    "video_progress",
    "lesson_viewed",
    "video_progress",
    "lesson_completed",
    "enrolled",
    "quiz_submitted",
    "quiz_graded",
    "course_rated",
    "course_completed",
    "catalogue_viewed",
    "course_viewed",
    "logged_in",
    "payment_succeeded",
]


def prepare() -> None:
    mentor = User.objects.create_user(email=MENTOR, password="x", name="Bench Mentor")
    user_roles_set(user=mentor, roles=(Role.MENTOR,))
    for n in range(COURSES):
        course = Course.objects.create(
            title=f"Bench analytics course {n + 1}",
            slug=f"bench-analytics-{n + 1}",
            status=Course.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        if n == 0:
            course.instructors.add(mentor)
        module = Module.objects.create(course=course, title="Module", order=1)
        Lesson.objects.bulk_create(
            Lesson(
                course=course,
                module=module,
                title=f"Lesson {k + 1}",
                order=k,
                content="x",
                is_published=True,
            )
            for k in range(LESSONS)
        )


def events(count: int, seed: int) -> None:
    course_ids = list(
        Course.objects.filter(slug__startswith="bench-analytics-")
        .order_by("id")
        .values_list("id", flat=True)
    )
    lesson_ids = list(
        Lesson.objects.filter(course_id__in=course_ids)
        .order_by("course_id", "order")
        .values_list("id", flat=True)
    )
    start = timezone.now() - timedelta(days=DAYS - 1)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO analytics_event (event_id, occurred_at, received_at, actor_id,
              anonymous_id, verb, object_type, object_id, course_id, platform, result, context)
            SELECT gen_random_uuid(),
                   %(start)s + (g::float / %(n)s) * interval '89 days',
                   now(), 1 + ((g + %(seed)s) * 7919) %% %(actors)s, '', v.verb,
                   CASE WHEN v.verb IN ('lesson_viewed', 'video_progress', 'lesson_completed')
                        THEN 'lesson' WHEN v.verb LIKE 'quiz%%' THEN 'quiz'
                        WHEN v.verb = 'catalogue_viewed' THEN 'catalogue'
                        WHEN v.verb = 'logged_in' THEN 'user'
                        WHEN v.verb = 'payment_succeeded' THEN 'order' ELSE 'course' END,
                   CASE WHEN v.verb IN ('lesson_viewed', 'video_progress', 'lesson_completed')
                        THEN (%(lessons)s::bigint[])[c.i * %(per)s + 1 + g %% %(per)s]
                        ELSE (%(courses)s::bigint[])[c.i + 1] END,
                   CASE WHEN v.verb IN ('catalogue_viewed', 'logged_in', 'payment_succeeded')
                        THEN NULL ELSE (%(courses)s::bigint[])[c.i + 1] END,
                   'server',
                   CASE v.verb
                     WHEN 'video_progress' THEN jsonb_build_object(
                       'progress', 0.25 * (1 + g %% 4), 'duration', 30 + g %% 300)
                     WHEN 'quiz_graded' THEN jsonb_build_object(
                       'score', (g %% 101) / 100.0, 'success', g %% 101 >= 50,
                       'raw', g %% 101, 'max', 100)
                     WHEN 'course_rated' THEN jsonb_build_object('raw', 1 + g %% 5)
                     WHEN 'course_completed' THEN jsonb_build_object(
                       'completion', true, 'duration', 3600 * (1 + g %% 500))
                     WHEN 'payment_succeeded' THEN jsonb_build_object(
                       'amount', '499.00', 'currency', 'INR')
                     ELSE '{}'::jsonb END,
                   '{}'::jsonb
            FROM generate_series(1::bigint, %(n)s) AS g,
                 LATERAL (SELECT (%(verbs)s::text[])[1 + ((g + %(seed)s) * 31) %% %(nv)s] AS verb) v,
                 LATERAL (SELECT ((g + %(seed)s) * 13) %% %(nc)s AS i) c
            """,
            {
                "start": start,
                "n": count,
                "seed": seed,
                "actors": ACTORS,
                "verbs": VERBS,
                "nv": len(VERBS),
                "courses": course_ids,
                "nc": len(course_ids),
                "lessons": lesson_ids,
                "per": LESSONS,
            },
        )
        cursor.execute("ANALYZE analytics_event")


def rollup(out: str) -> None:
    today = timezone.localdate()
    timings = []
    for n in range(DAYS - 1, -1, -1):
        report = rollup_day(day=today - timedelta(days=n))
        timings.append((report.events, report.seconds))
    with connection.cursor() as cursor:
        # what autovacuum does to tables written once a day in production: statistics and
        # the visibility map (index-only scans for the distinct learners)
        for model in ROLLUP_MODELS:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        cursor.execute("SELECT count(*) FROM analytics_event")
        total = cursor.fetchone()[0]
    Path(out).write_text(json.dumps({"days": timings, "events": total}))


def measure(out: str, rounds: int) -> None:
    mentor = User.objects.get(email=MENTOR)
    slug = Course.objects.get(instructors=mentor).slug
    client = Client()
    client.force_login(mentor)
    urls = {
        "page": f"/analytics/courses/{slug}/?days=90",
        "api": f"/api/v1/analytics/courses/{slug}/?days=90",
        "lessons_api": f"/api/v1/analytics/courses/{slug}/lessons/?days=90",
    }
    result: dict[str, dict[str, list]] = {}
    for name, url in urls.items():
        for _warm in range(3):
            client.get(url)
        cold, warm, statements = [], [], []
        for _round in range(rounds):
            cache_version_bump(ROLLUP_CACHE_SCOPE)  # as a rollup does: figures rebuilt
            with CaptureQueriesContext(connection) as ctx:
                began = time.perf_counter()
                response = client.get(url)
                cold.append(time.perf_counter() - began)
            assert response.status_code == 200, (url, response.status_code)
            statements.append(len(ctx))
            began = time.perf_counter()
            client.get(url)
            warm.append(time.perf_counter() - began)
        result[name] = {"cold_s": cold, "warm_s": warm, "statements": statements}
    Path(out).write_text(json.dumps(result))


if __name__ == "__main__":
    step = sys.argv[1]
    if step == "prepare":
        prepare()
    elif step == "events":
        events(int(sys.argv[2]), int(sys.argv[3]))
    elif step == "rollup":
        rollup(sys.argv[2])
    elif step == "measure":
        measure(sys.argv[2], int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown step {step!r}")
