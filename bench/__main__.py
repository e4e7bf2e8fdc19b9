"""Kalpla benchmarks: ``make bench`` or ``python -m bench [--seconds 5] [--rounds 3] [--users 50]``.

1. (Re)creates a separate PostgreSQL database (``KALPLA_BENCH_DATABASE_URL``, default
   postgres://postgres@127.0.0.1:5432/kalpla_bench; its name must contain "bench") and uses
   its own Redis key prefix (``kalpla-bench``).
2. Migrates, collects static files (manifest storage, as in production), seeds 200 courses
   (2 x 3 lessons each), one course of 10 modules x 10 lessons with 30 reviews and a student
   part of the way through it, and two students with 1 and 20 enrollments; counts the
   queries of each page in-process with the Django test client.
3. Starts uvicorn like production (DJANGO_DEBUG=false, 2 workers, loopback only) with
   ``bench.settings`` (the site's settings plus a bare JSON baseline at /bench/baseline/).
4. Drives each page with 50 concurrent users: a closed loop without think time (throughput,
   req/s and latency at saturation) in at least 3 rounds, each page run right after a run of
   the baseline, and reports the median of the page/baseline ratios and the server's CPU time
   per request against the baseline's (steadier than req/s when other work shares the
   machine); then, for the pages with latency targets, 50 users who think 0.5-1.5 s between
   requests (latency under that load; the two dashboards, whose p95s are compared, side by
   side in one longer run).
5. Prints the figures against the targets, writes them to bench/results/latest.txt
   (``--output``) and exits 1 when a target fails (and non-zero when the bench crashes).

Everything stops by itself and the bench's cache keys are removed at the end; the database
stays for inspection until the next run. A run takes about five minutes.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
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


PAGES = {
    "catalogue_api": "GET /api/v1/courses/ (20 cards)",
    "catalogue_page": "catalogue page (12 cards)",
    "course_page": "course page 10x10, anonymous",
    "course_page_student": "course page 10x10, enrolled",
    "dashboard_1": "dashboard, 1 enrollment",
    "dashboard_20": "dashboard, 20 enrollments",
}
PACED = ("course_page", "course_page_student")
PACED_TOGETHER = ("dashboard_1", "dashboard_20")
"""Compared with each other under load (p95 within 1.3x), so run side by side with the users
split between them (the server sees the same load as in the other paced runs) for
``TOGETHER_SECONDS`` times as long: a burst of other work on the machine hits both alike, and
each p95 comes from about twice as many requests as a run of its own would give."""
TOGETHER_SECONDS = 4


@dataclass
class Rounds:
    """One page measured in several rounds, each right after a run of the baseline."""

    page: list[Result] = field(default_factory=list)
    baseline: list[Result] = field(default_factory=list)
    # The server's CPU seconds per answered request in each run (warm-up included in both).
    page_cpu: list[float] = field(default_factory=list)
    baseline_cpu: list[float] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [
            p.rps / b.rps if b.rps else 0.0 for p, b in zip(self.page, self.baseline, strict=True)
        ]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def rps(self) -> float:
        return statistics.median(r.rps for r in self.page)

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.page_cpu) * 1000

    @property
    def cpu_ratio(self) -> float:
        """The baseline's CPU time per request over the page's (1.0: as cheap as the baseline)."""
        return statistics.median(
            b / p if p else 0.0 for p, b in zip(self.page_cpu, self.baseline_cpu, strict=True)
        )

    def merged(self) -> Result:
        first = self.page[0]
        out = Result(name=first.name, users=first.users, seconds=first.seconds, think=None)
        for r in self.page:
            out.latencies += r.latencies
            out.statuses.update(r.statuses)
            out.errors.update(r.errors)
        return out


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(group: int) -> float:
    """User + system CPU time so far of every process in the server's process group."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process has just exited
            continue
        if int(fields[2]) == group:  # pgrp; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def fmt_row(label: str, r: Result, rps: float, ratio: str, queries: str, cpu: str) -> str:
    bad = sum(n for s, n in r.statuses.items() if s != 200) + sum(r.errors.values())
    return (
        f"{label:<32} {rps:7.0f} {r.percentile(50):7.1f} {r.percentile(95):7.1f} "
        f"{r.percentile(99):7.1f} {ratio:>16} {cpu:>12} {queries:>7} {r.requests:>7} {bad:>4}"
    )


async def drive(
    port: int, group: int, prepared: dict, users: int, seconds: float, rounds: int
) -> tuple[dict[str, Rounds], dict[str, Result]]:
    cookie_name = prepared["cookie"]
    targets = prepared["targets"]

    def cookie(name: str) -> str | None:
        session = targets[name]["session"]
        return f"{cookie_name}={session}" if session else None

    async def saturate(name: str) -> tuple[Result, float]:
        cpu_before = server_cpu_seconds(group)
        result = await run(
            name=name, host=HOST, port=port, path=targets[name]["path"], users=users,
            seconds=seconds, cookie=cookie(name),
        )  # fmt: skip
        return result, (server_cpu_seconds(group) - cpu_before) / max(result.answered, 1)

    saturated = {name: Rounds() for name in PAGES}
    for number in range(1, rounds + 1):
        # Baseline and page alternate, so a burst of other work on the machine hits a pair
        # and the pair's ratio rather than one page's figure.
        for name in PAGES:
            log(f"round {number}/{rounds}: baseline, then {name} ({users} users, no think time)")
            result, cpu = await saturate("baseline")
            saturated[name].baseline.append(result)
            saturated[name].baseline_cpu.append(cpu)
            result, cpu = await saturate(name)
            saturated[name].page.append(result)
            saturated[name].page_cpu.append(cpu)
    paced: dict[str, Result] = {}
    for name in PACED:
        log(f"{name}: {users} users thinking {THINK[0]}-{THINK[1]} s, {seconds:.0f} s")
        paced[name] = await run(
            name=name, host=HOST, port=port, path=targets[name]["path"], users=users,
            seconds=seconds, cookie=cookie(name), think=THINK,
        )  # fmt: skip
    together = seconds * TOGETHER_SECONDS
    log(f"{' and '.join(PACED_TOGETHER)} side by side: {users} users thinking, {together:.0f} s")
    each = users // len(PACED_TOGETHER)
    runs = [
        run(
            name=name,
            host=HOST,
            port=port,
            path=targets[name]["path"],
            users=each,
            seconds=together,
            cookie=cookie(name),
            think=THINK,
        )
        for name in PACED_TOGETHER
    ]
    results = await asyncio.gather(*runs)
    paced.update(zip(PACED_TOGETHER, results, strict=True))
    return saturated, paced


def targets_check(
    prepared: dict, saturated: dict[str, Rounds], paced: dict[str, Result]
) -> list[tuple[str, bool]]:
    q = {name: prepared["queries"][name]["queries"] for name in prepared["queries"]}
    qc = {name: prepared["queries"][name]["queries_cold"] for name in prepared["queries"]}
    page = paced["course_page"]
    d1, d20 = paced["dashboard_1"], paced["dashboard_20"]
    s1, s20 = saturated["dashboard_1"].merged(), saturated["dashboard_20"].merged()

    def at_least(name: str, target: float, what: str) -> tuple[str, bool]:
        ratio = saturated[name].ratio
        return (
            f"{what} >= {target}x baseline req/s (median of rounds): {ratio:.2f}x "
            f"(rounds {', '.join(f'{x:.2f}' for x in saturated[name].ratios)}; "
            f"CPU time {saturated[name].cpu_ratio:.2f}x)",
            ratio >= target,
        )

    every = [*(r for rs in saturated.values() for r in rs.page + rs.baseline), *paced.values()]
    return [
        at_least("catalogue_api", 0.8, "catalogue API"),
        at_least("course_page_student", 0.35, "course page, enrolled student"),
        at_least("dashboard_1", 0.3, "dashboard, 1 enrollment"),
        at_least("dashboard_20", 0.3, "dashboard, 20 enrollments"),
        (
            f"catalogue API <= 5 queries: {q['catalogue_api']} (cache miss {qc['catalogue_api']})",
            max(q["catalogue_api"], qc["catalogue_api"]) <= 5,
        ),
        (
            f"course page p95 < 50 ms under load: {page.percentile(95):.1f} ms "
            f"(at saturation {saturated['course_page'].merged().percentile(95):.1f} ms)",
            page.percentile(95) < 50,
        ),
        (
            f"course page <= 10 queries: {q['course_page']} (cache miss {qc['course_page']}); "
            f"enrolled {q['course_page_student']} (cache miss {qc['course_page_student']})",
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
            + ", ".join(
                f"{r.name}: {dict(r.statuses)} {dict(r.errors)}" for r in every if not r.ok
            ),
            all(r.ok for r in every),
        ),
        (
            "signed in where a session was sent: "
            + ", ".join(
                f"{n}={prepared['queries'][n]['signed_in']}"
                for n, t in prepared["targets"].items()
                if t["session"]
            ),
            all(
                prepared["queries"][n]["signed_in"]
                for n, t in prepared["targets"].items()
                if t["session"]
            ),
        ),
    ]


def report(
    prepared: dict,
    saturated: dict[str, Rounds],
    paced: dict[str, Result],
    checks: list[tuple[str, bool]],
    args: argparse.Namespace,
) -> str:
    q = {name: prepared["queries"][name]["queries"] for name in prepared["queries"]}
    qc = {name: prepared["queries"][name]["queries_cold"] for name in prepared["queries"]}
    qs = {name: f"{q[name]}/{qc[name]}" for name in q}
    head = (
        f"{'':<32} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'ratio (rounds)':>16} {'CPU ms (x)':>12} {'queries':>7} {'reqs':>7} {'!200':>4}"
    )
    notes = (
        "(req/s: median of the rounds; ratio: median of page/baseline over rounds, each page run "
        "right after a baseline run;\n CPU ms: the server processes' CPU time per request, "
        "(x) = the baseline's CPU time / the page's;\n queries: warm/cold cache, one request "
        "measured in-process; latencies over all rounds)"
    )
    base_rps = statistics.median(r.rps for rs in saturated.values() for r in rs.baseline)
    base_all = Rounds(page=[r for rs in saturated.values() for r in rs.baseline])
    base_cpu = statistics.median(c for rs in saturated.values() for c in rs.baseline_cpu) * 1000
    sat_rows = [
        fmt_row(
            "baseline (bare Django JSON)", base_all.merged(), base_rps, "-", "0/0",
            f"{base_cpu:.2f}",
        )
    ]  # fmt: skip
    for name, rounds in saturated.items():
        ratio = f"{rounds.ratio:.2f}x ({min(rounds.ratios):.2f}-{max(rounds.ratios):.2f})"
        cpu_text = f"{rounds.cpu_ms:.2f} ({rounds.cpu_ratio:.2f})"
        sat_rows.append(
            fmt_row(PAGES[name], rounds.merged(), rounds.rps, ratio, qs[name], cpu_text)
        )
    paced_rows = [fmt_row(PAGES[n], r, r.rps, "-", qs[n], "-") for n, r in paced.items()]
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
        f"{args.users} concurrent users, {args.seconds:.0f} s per run after 2 s warm-up, "
        f"{args.rounds} rounds",
        "",
        f"Saturation ({args.users} users, no think time):",
        head,
        notes,
        *sat_rows,
        "",
        f"Under load ({args.users} users thinking {THINK[0]}-{THINK[1]} s between requests; "
        f"the two dashboards side by side, {args.users // len(PACED_TOGETHER)} users each, "
        f"{args.seconds * TOGETHER_SECONDS:.0f} s):",
        head,
        *paced_rows,
        "",
        "Targets:",
        *(f"  [{'PASS' if ok else 'FAIL'}] {text}" for text, ok in checks),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per run")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/page pairs per page")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--courses", type=int, default=200)
    parser.add_argument(
        "--output", type=Path, default=RESULTS / "latest.txt", help="where to write the report"
    )
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds must be at least 3: one round on a shared machine proves nothing")

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
        saturated, paced = asyncio.run(
            drive(port, server.pid, prepared, args.users, args.seconds, args.rounds)
        )
    finally:
        stop_server(server)
        # Only this run's key prefix (the cache's clear()), never the whole Redis.
        django_run(
            [
                "-c",
                "import django; django.setup(); from django.core.cache import cache; cache.clear()",
            ],
            env,
        )
    checks = targets_check(prepared, saturated, paced)
    text = report(prepared, saturated, paced, checks, args)
    text += f"\n(total run time {time.monotonic() - started:.0f} s)\n"
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    log(f"written to {args.output}")
    failed = [text for text, ok in checks if not ok]
    if failed:
        log(f"{len(failed)} target(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
