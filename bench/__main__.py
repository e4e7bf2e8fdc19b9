"""Kalpla benchmarks: ``make bench`` or ``python -m bench [--seconds 10] [--users 50]``.

1. (Re)creates a separate PostgreSQL database (``KALPLA_BENCH_DATABASE_URL``, default
   postgres://postgres@127.0.0.1:5432/kalpla_bench; its name must contain "bench") and uses
   its own Redis key prefix (``kalpla-bench``).
2. Migrates, collects static files (manifest storage, as in production), seeds 200 courses (2 x 3 lessons each), one course of 10 modules x 10 lessons
   with 30 reviews, and two students with 1 and 20 enrollments; counts the queries of each
   page in-process with the Django test client.
3. Starts uvicorn like production (DJANGO_DEBUG=false, 2 workers, loopback only) with
   ``bench.settings`` (the site's settings plus a bare JSON baseline at /bench/baseline/).
4. Drives each page with 50 concurrent users: a closed loop without think time (throughput,
   req/s and latency at saturation), then, for the pages with latency targets, 50 users who
   think 0.5-1.5 s between requests (latency under that load).
5. Prints the figures against the targets and writes them to bench/results/latest.txt.

Everything stops by itself and the bench's cache keys are removed at the end; the database
stays for inspection until the next run. A run takes about two minutes.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.load import Result, run

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kalpla_bench"
HOST = "127.0.0.1"
THINK = (0.5, 1.5)
LOAD_BEFORE = os.getloadavg()


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"Refusing to drop {name!r}: the bench database name must contain 'bench'."
        )
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def bench_env(database_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "KALPLA_", "CELERY_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "bench-secret-key-not-for-production-" + "x" * 24,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            # The production default: a psycopg pool per uvicorn worker.
            "DATABASE_POOL": os.environ.get("KALPLA_BENCH_DATABASE_POOL", "true"),
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "KALPLA_CACHE_PREFIX": "kalpla-bench",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "KALPLA_LOG_LEVEL": "WARNING",
            "KALPLA_LOG_FORMAT": "text",
            "KALPLA_MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "kalpla-bench-media"),
            "KALPLA_STATIC_ROOT": str(Path(tempfile.gettempdir()) / "kalpla-bench-static"),
            # The throttles would answer 429 to one client sending thousands of requests.
            "KALPLA_THROTTLE_ANON": "100000000/min",
            "KALPLA_THROTTLE_USER": "100000000/min",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def django_run(args: list[str], env: dict[str, str], timeout: float = 300) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "uvicorn", "kalpla.asgi:application",
        "--host", HOST, "--port", str(port), "--workers", str(workers),
        "--lifespan", "off", "--no-access-log", "--log-level", "warning",
        # the message limit make run and the image set (kalpla/settings.py's default)
        "--ws-max-size", env.get("KALPLA_WS_MAX_FRAME_BYTES", str(1024 * 1024)),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"http://{HOST}:{port}/bench/baseline/", timeout=2
            ) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            raise SystemExit("uvicorn exited before it answered.")
    stop_server(process)
    raise SystemExit("uvicorn did not answer within 60 s.")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # our own process group: uvicorn and its workers
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def fmt_row(label: str, r: Result, baseline_rps: float | None, queries: str) -> str:
    ratio = f"{r.rps / baseline_rps:5.2f}x" if baseline_rps else "   - "
    bad = sum(n for s, n in r.statuses.items() if s != 200) + sum(r.errors.values())
    q = queries
    return (
        f"{label:<34} {r.rps:8.0f} {r.percentile(50):8.1f} {r.percentile(95):8.1f} "
        f"{r.percentile(99):8.1f} {ratio:>7} {q:>7} {r.requests:>8} {bad:>5}"
    )


async def drive(
    port: int, prepared: dict, users: int, seconds: float
) -> tuple[dict[str, Result], dict[str, Result]]:
    cookie_name = prepared["cookie"]
    saturated: dict[str, Result] = {}
    paced: dict[str, Result] = {}
    for name, target in prepared["targets"].items():
        cookie = f"{cookie_name}={target['session']}" if target["session"] else None
        log(f"{name}: {users} users, no think time, {seconds:.0f} s")
        saturated[name] = await run(
            name=name, host=HOST, port=port, path=target["path"], users=users,
            seconds=seconds, cookie=cookie,
        )  # fmt: skip
    for name in ("course_page", "dashboard_1", "dashboard_20"):
        target = prepared["targets"][name]
        cookie = f"{cookie_name}={target['session']}" if target["session"] else None
        log(f"{name}: {users} users thinking {THINK[0]}-{THINK[1]} s, {seconds:.0f} s")
        paced[name] = await run(
            name=name, host=HOST, port=port, path=target["path"], users=users,
            seconds=seconds, cookie=cookie, think=THINK,
        )  # fmt: skip
    return saturated, paced


def report(
    prepared: dict, saturated: dict[str, Result], paced: dict[str, Result], args: argparse.Namespace
) -> str:
    q = {name: prepared["queries"][name]["queries"] for name in prepared["queries"]}
    qc = {name: prepared["queries"][name]["queries_cold"] for name in prepared["queries"]}
    qs = {name: f"{q[name]}/{qc[name]}" for name in q}
    base = saturated["baseline"].rps
    head = (
        f"{'':<34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'ratio':>7} "
        f"{'queries':>7} {'requests':>8} {'!200':>5}"
        "\n(queries: warm/cold cache, one request measured in-process)"
    )
    labels = {
        "baseline": "baseline (bare Django JSON)",
        "catalogue_api": "GET /api/v1/courses/ (20 cards)",
        "catalogue_page": "catalogue page (12 cards)",
        "course_page": "course page 10x10 lessons",
        "dashboard_1": "dashboard, 1 enrollment",
        "dashboard_20": "dashboard, 20 enrollments",
    }
    lines = [
        f"Kalpla bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"uvicorn {args.workers} workers on {HOST}, DJANGO_DEBUG=false, PostgreSQL + Redis; "
        f"{os.cpu_count()} CPUs shared with the load generator",
        "machine load average (1/5/15 min) before: "
        + " / ".join(f"{x:.1f}" for x in LOAD_BEFORE)
        + ", after: "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
        + " (other work on this machine skews every figure)",
        f"data: {prepared['courses']} courses, {prepared['lessons']} lessons; "
        f"{args.users} concurrent users, {args.seconds:.0f} s per run after 2 s warm-up",
        "",
        f"Saturation ({args.users} users, no think time):",
        head,
        *(fmt_row(labels[n], r, base if n != "baseline" else None, qs[n]) for n, r in saturated.items()),
        "",
        f"Under load ({args.users} users thinking {THINK[0]}-{THINK[1]} s between requests):",
        head,
        *(fmt_row(labels[n], r, None, qs[n]) for n, r in paced.items()),
        "",
        "Targets:",
    ]  # fmt: skip
    api, page = saturated["catalogue_api"], paced["course_page"]
    d1, d20 = paced["dashboard_1"], paced["dashboard_20"]
    s1, s20 = saturated["dashboard_1"], saturated["dashboard_20"]
    checks = [
        (
            f"catalogue API >= 0.5x baseline req/s: {api.rps / base:.2f}x",
            api.rps >= 0.5 * base,
        ),
        (
            f"catalogue API <= 5 queries: {q['catalogue_api']} (cache miss {qc['catalogue_api']})",
            max(q["catalogue_api"], qc["catalogue_api"]) <= 5,
        ),
        (
            f"course page p95 < 50 ms under load: {page.percentile(95):.1f} ms "
            f"(at saturation {saturated['course_page'].percentile(95):.1f} ms)",
            page.percentile(95) < 50,
        ),
        (
            f"course page <= 10 queries: {q['course_page']} (cache miss {qc['course_page']})",
            max(q["course_page"], qc["course_page"]) <= 10,
        ),
        (
            f"dashboard p95 20 vs 1 enrollments within 1.3x under load: "
            f"{d20.percentile(95) / d1.percentile(95):.2f}x "
            f"(at saturation {s20.percentile(95) / s1.percentile(95):.2f}x)",
            d20.percentile(95) <= 1.3 * d1.percentile(95),
        ),
        (
            f"dashboard queries independent of enrollments: {q['dashboard_1']} vs "
            f"{q['dashboard_20']}",
            q["dashboard_1"] == q["dashboard_20"],
        ),
        (
            "every answer 200 "
            + ", ".join(f"{n}: {dict(r.statuses)}" for n, r in saturated.items() if not r.ok),
            all(r.ok for r in [*saturated.values(), *paced.values()]),
        ),
        (
            "dashboards signed in: "
            + ", ".join(
                f"{n}={prepared['queries'][n]['signed_in']}"
                for n in ("dashboard_1", "dashboard_20")
            ),
            all(prepared["queries"][n]["signed_in"] for n in ("dashboard_1", "dashboard_20")),
        ),
    ]
    lines += [f"  [{'PASS' if ok else 'FAIL'}] {text}" for text, ok in checks]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per run")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--courses", type=int, default=200)
    args = parser.parse_args()

    database_url = os.environ.get("KALPLA_BENCH_DATABASE_URL", DEFAULT_DB)
    env = bench_env(database_url)
    started = time.monotonic()
    log(f"recreating {urlsplit(database_url).path.lstrip('/')}")
    recreate_database(database_url)
    log("migrating and collecting static files")
    django_run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    django_run(["manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    log("seeding and counting queries")
    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        django_run(["-m", "bench.prepare", handle.name, str(args.courses)], env)
        prepared = json.loads(Path(handle.name).read_text())
    for name, info in prepared["queries"].items():
        if info["status"] != 200:
            raise SystemExit(f"{name} answered {info['status']} in-process; fix that first.")

    port = free_port()
    log(f"starting uvicorn on {HOST}:{port}")
    server = start_server(env, port, args.workers)
    try:
        saturated, paced = asyncio.run(drive(port, prepared, args.users, args.seconds))
    finally:
        stop_server(server)
        # Only this run's key prefix (PrefixedRedisCache.clear), never the whole Redis.
        django_run(
            [
                "-c",
                "import django; django.setup(); from django.core.cache import cache; cache.clear()",
            ],
            env,
        )
    text = report(prepared, saturated, paced, args)
    text += f"\n(total run time {time.monotonic() - started:.0f} s)\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.txt").write_text(text)
    log(f"written to {RESULTS / 'latest.txt'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
