"""Kalpla benchmarks: ``make bench`` or ``python -m bench [--only web,quiz] [--seconds 5] ...``.

Suites (each a module of this package with ``run(*, database_url: str, log) -> list[tuple[str,
bool]]``, the targets it checked and whether each passed):

- ``web``: the site's pages under load against a bare Django JSON view (bench/web.py).
- ``quiz``: quiz submit -> graded result on a real Celery worker, and 200 students submitting
  at once (bench/quiz.py).
- ``certificates``: 1,000 certificate PDFs through the job pipeline against the PDF library
  in a loop (bench/certificates.py).
- ``gradebook``: the gradebook page at 5,000 learners (bench/gradebook.py).
- ``enroll_import``: a 10,000-row CSV enrollment import against a psycopg COPY of the same
  rows, its peak RSS and statements per batch (bench/enroll_import.py).
- ``chat``: live chat through uvicorn and the Redis channel layer: fan-out to 100 sockets
  against raw Redis PUBLISH, memory per idle socket, the send path at 500 messages/s over two
  server processes (bench/chat.py).
- ``analytics_dashboard``: the per-course analytics dashboard (page and API) over 1,000,000
  raw events, p95 and statements at 100k against 1M, and the daily rollup's time
  (bench/analytics_dashboard.py).
- ``mentoring``: slot search for a student over 50 mentors x 4 weeks against a bare read of
  the same rows, and 50 concurrent bookings against 10 slots (bench/mentoring.py).
- ``analytics_ingest``: batches of 500 learning events through ``POST /api/v1/events/`` on
  uvicorn into PostgreSQL, stored events/s against a psycopg COPY of the same rows
  (bench/analytics_ingest.py).

1. (Re)creates a PostgreSQL database (``KALPLA_BENCH_DATABASE_URL``, default
   postgres://postgres@127.0.0.1:5432/kalpla_bench; its name must contain "bench"), migrates
   it and collects static files (manifest storage, as in production) once; each suite then
   gets its own copy of it (``<name>_<suite>``), so no suite sees another's data.
2. Runs the suites in turn; each writes its figures to bench/results/<suite>.txt.
3. Writes the summary of every target to bench/results/latest.txt (``--output``) and exits 1
   when a target failed (and non-zero when the bench crashes).

Everything stops by itself and the bench's cache keys and queues are removed at the end; the
databases stay for inspection until the next run.
"""

import argparse
import importlib
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.common import (
    DEFAULT_DB,
    RESULTS,
    Checks,
    bench_env,
    database_name,
    database_url_named,
    django_run,
    log,
    recreate_database,
)

SUITES = (
    "web",
    "quiz",
    "certificates",
    "gradebook",
    "enroll_import",
    "chat",
    "mentoring",
    "analytics_ingest",
    "analytics_dashboard",
)


def _suite(name: str) -> Callable[..., Checks]:
    return importlib.import_module(f"bench.{name}").run  # type: ignore[no-any-return]


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only",
        default=",".join(SUITES),
        help=f"comma-separated suites to run (default: all of {', '.join(SUITES)})",
    )
    web = parser.add_argument_group("web suite")
    web.add_argument("--seconds", type=float, default=5.0, help="measured seconds per run")
    web.add_argument("--rounds", type=int, default=5, help="baseline/page pairs per page")
    web.add_argument("--users", type=int, default=50)
    web.add_argument("--workers", type=int, default=2)
    web.add_argument("--courses", type=int, default=200)
    parser.add_argument(
        "--output", type=Path, default=RESULTS / "latest.txt", help="where to write the summary"
    )
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds must be at least 3: one round on a shared machine proves nothing")
    args.suites = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in args.suites if s not in SUITES]
    if unknown or not args.suites:
        parser.error(f"--only takes {', '.join(SUITES)}; not {', '.join(unknown) or 'nothing'}")
    return args


def main() -> int:
    args = _parse()
    options: dict[str, dict[str, object]] = {
        "web": {
            "seconds": args.seconds,
            "rounds": args.rounds,
            "users": args.users,
            "workers": args.workers,
            "courses": args.courses,
        }
    }
    template_url = os.environ.get("KALPLA_BENCH_DATABASE_URL", DEFAULT_DB)
    template = database_name(template_url)
    env = bench_env(template_url)
    started = time.monotonic()
    load_before = os.getloadavg()
    log(f"recreating {template}, migrating and collecting static files")
    recreate_database(template_url)
    django_run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    django_run(["manage.py", "collectstatic", "--noinput", "-v", "0"], env)

    results: dict[str, Checks] = {}
    for name in args.suites:
        run = _suite(name)
        url = database_url_named(template_url, f"{template}_{name}")
        recreate_database(url, template=template)
        log(f"{name}: running on {database_name(url)}")
        suite_started = time.monotonic()
        results[name] = run(database_url=url, log=log, **options.get(name, {}))
        log(f"{name}: done in {time.monotonic() - suite_started:.0f} s")

    lines = [
        f"Kalpla bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: suites {', '.join(args.suites)}",
        "machine load average (1/5/15 min) before: "
        + " / ".join(f"{x:.1f}" for x in load_before)
        + ", after: "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
        + f" on {os.cpu_count()} CPUs (other work on this machine skews every figure)",
        "figures of each suite: bench/results/<suite>.txt",
    ]
    for name, checks in results.items():
        lines += ["", f"{name}:"]
        lines += [f"  [{'PASS' if ok else 'FAIL'}] {text}" for text, ok in checks]
    lines.append(f"\n(total run time {time.monotonic() - started:.0f} s)")
    text = "\n".join(lines) + "\n"
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    log(f"summary written to {args.output}")
    failed = sum(1 for checks in results.values() for _text, ok in checks or () if not ok)
    if failed:
        log(f"{failed} target(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
