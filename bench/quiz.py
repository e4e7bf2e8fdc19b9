"""The quiz suite: grading on a real Celery worker (Redis, the bench's PostgreSQL database, its
own queue ``kalpla-bench-quiz``), started and stopped here, running the production grading
task (``assessments.attempt_grade``: acks late, rejected when its worker dies).

1. Submit -> graded result visible to the student: in each of ``rounds`` rounds, a no-op task
   with the grading task's options goes through the worker (sent, run, seen), the grading
   function runs in-process on an attempt of the same quiz, and an attempt is submitted
   through the submit service and polled as its student (the service the attempt API asks)
   until it shows graded. Target: p95 of submit -> graded within 1.5x of the p95 of
   (no-op round trip + grading function) of the same rounds.
2. ``students`` students with open, answered attempts submit within 10 s through the API under
   uvicorn (2 workers, as the web suite runs it; each at a random moment, one in ten twice
   at once, a double click), while the worker grades. Targets: every attempt graded, none
   twice (one automatic grade row each, no repeated notification), p95 submit < 200 ms.

The Django side runs in child processes (bench/quiz_steps.py); figures go to
bench/results/quiz.txt.
"""

import asyncio
import json
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import (
    HOST,
    Checks,
    Log,
    bench_env,
    cache_clear,
    django_run,
    free_port,
    machine_line,
    percentile,
    purge_queue,
    server_cpu_seconds,
    start_server,
    start_worker,
    stop_group,
    write_result,
)
from bench.load import send_once

QUEUE = "kalpla-bench-quiz"
WINDOW = 10.0  # seconds over which the burst's students submit
WORKER_CONCURRENCY = 2  # docker-compose's worker


async def _burst(
    port: int, burst: list[dict], window: float = WINDOW, seed: int = 11
) -> list[tuple[int, float]]:
    rng = random.Random(seed)
    sends = []
    for i, row in enumerate(burst):
        at = rng.uniform(0, window)
        headers = {"X-Session-Token": row["token"], "Content-Type": "application/json"}
        path = f"/api/v1/attempts/{row['attempt']}/submit/"
        for _click in range(2 if i % 10 == 0 else 1):
            sends.append(
                send_once(
                    host=HOST, port=port, method="POST", path=path, headers=headers,
                    body=b"{}", at=at,
                )
            )  # fmt: skip
    return list(await asyncio.gather(*sends))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def run(
    *, database_url: str, log: Log, rounds: int = 200, students: int = 200, workers: int = 2
) -> Checks:
    env = bench_env(database_url, prefix="kalpla-bench-quiz", workers_on=QUEUE)
    load_before = os.getloadavg()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        files = {name: str(Path(tmp) / f"{name}.json") for name in ("seed", "rt", "verify")}
        log(f"quiz: seeding a quiz, {2 * rounds + students} students with open attempts")
        django_run(
            ["-m", "bench.quiz_steps", "prepare", files["seed"], str(rounds), str(students)],
            env,
            timeout=900,
        )
        seed = json.loads(Path(files["seed"]).read_text())
        purge_queue(env)
        log(f"quiz: starting a Celery worker (concurrency {WORKER_CONCURRENCY}) on {QUEUE}")
        worker = start_worker(env, concurrency=WORKER_CONCURRENCY, include=["bench.noop_task"])
        server = None
        try:
            log(f"quiz: {rounds} rounds of no-op / grading function / submit -> graded")
            django_run(["-m", "bench.quiz_steps", "roundtrip", files["seed"], files["rt"]], env)
            trips = json.loads(Path(files["rt"]).read_text())
            port = free_port()
            log(f"quiz: starting uvicorn ({workers} workers) on {HOST}:{port}")
            server = start_server(env, port, workers)
            # A production server is warm: its first requests (imports, connections) are not
            # what students submitting at once meet.
            warm = asyncio.run(_burst(port, seed["warmup"], window=2.0))
            time.sleep(1)
            log(f"quiz: {students} students submitting within {WINDOW:.0f} s")
            cpu = (server_cpu_seconds(server.pid), server_cpu_seconds(worker.pid))
            answers = asyncio.run(_burst(port, seed["burst"]))
            server_cpu = server_cpu_seconds(server.pid) - cpu[0]
            django_run(
                ["-m", "bench.quiz_steps", "verify", files["seed"], files["verify"], "120"], env
            )
            checked = json.loads(Path(files["verify"]).read_text())
            checked["server_cpu_ms"] = server_cpu * 1000 / len(answers)
            checked["worker_cpu_ms"] = (server_cpu_seconds(worker.pid) - cpu[1]) * 1000 / students
        finally:
            if server is not None:
                stop_group(server)
            stop_group(worker, timeout=30)
            purge_queue(env)
            cache_clear(env)
    if {status for status, _seconds in warm} != {200}:
        raise SystemExit(f"warm-up submits answered {warm}; fix that first.")
    checks, text = _report(seed, trips, answers, checked, rounds, workers, load_before)
    text += f"\n(run time {time.monotonic() - started:.0f} s)\n"
    log(f"quiz: written to {write_result('quiz', text)}")
    return checks


def _report(
    seed: dict,
    trips: dict,
    answers: list[tuple[int, float]],
    checked: dict,
    rounds: int,
    workers: int,
    load_before: tuple[float, float, float],
) -> tuple[Checks, str]:
    noop, grading, pipeline = trips["noop"], trips["grading"], trips["pipeline"]
    baseline = [n + g for n, g in zip(noop, grading, strict=True)]
    p95_pipe, p95_base = percentile(pipeline, 95), percentile(baseline, 95)
    latencies = [seconds for _status, seconds in answers]
    statuses: dict[int, int] = {}
    for status, _seconds in answers:
        statuses[status] = statuses.get(status, 0) + 1
    p95_submit = percentile(latencies, 95)
    n = checked["attempts"]
    graded = checked["states"].get("graded", 0)

    def row(name: str, values: list[float]) -> str:
        return (
            f"  {name:<48} {percentile(values, 50) * 1000:7.1f} "
            f"{percentile(values, 95) * 1000:7.1f} {percentile(values, 99) * 1000:7.1f} "
            f"{statistics.mean(values) * 1000:7.1f}"
        )

    checks: Checks = [
        (
            f"quiz submit -> graded result visible to the student: p95 {_ms(p95_pipe)} within "
            f"1.5x of no-op round trip + grading function (p95 {_ms(p95_base)}): "
            f"{p95_pipe / p95_base:.2f}x",
            p95_pipe <= 1.5 * p95_base,
        ),
        (
            f"{n} students submitting within {WINDOW:.0f} s: every attempt graded: "
            f"{graded}/{n} (states {checked['states']})",
            graded == n,
        ),
        (
            f"{n} students submitting: none graded twice: {checked['grade_rows']} automatic "
            f"grade rows for {n} attempts ({checked['graded_twice']} with more than one), "
            f"{checked['duplicate_notifications']} repeated notifications",
            checked["graded_twice"] == 0
            and checked["grade_rows"] == n
            and checked["duplicate_notifications"] == 0,
        ),
        (
            f"{n} students submitting: p95 submit response < 200 ms: {_ms(p95_submit)} "
            f"(answers {statuses})",
            p95_submit < 0.2 and set(statuses) == {200},
        ),
    ]
    lines = [
        f"Kalpla bench, quiz suite, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"Celery worker (prefork, concurrency {WORKER_CONCURRENCY}, acks late) on Redis, "
        f"PostgreSQL; uvicorn {workers} workers, DJANGO_DEBUG=false",
        machine_line(load_before),
        f"quiz of {seed['questions']} questions (every automatically graded kind)",
        "",
        f"Submit -> graded, {len(pipeline)} rounds after {trips['warmup']} warm-up rounds "
        f"(each: no-op task, grading function in-process, submit and poll every 2 ms):",
        f"  {'':<48} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'mean ms':>7}",
        row("no-op task round trip (send, run, seen)", noop),
        row("grading function in-process (attempt_grade)", grading),
        row("baseline: no-op round trip + grading function", baseline),
        row("submit (service) -> graded, seen by the student", pipeline),
        "",
        f"{n} students submitting within {WINDOW:.0f} s through POST "
        f"/api/v1/attempts/<id>/submit/ (one in ten twice at once; {len(answers)} requests; "
        "after 20 warm-up submits):",
        f"  {'':<48} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'mean ms':>7}",
        row("submit response", latencies),
        f"  submits spread over {checked['submit_span_s']:.1f} s; last attempt graded "
        f"{checked['graded_span_s'] or float('nan'):.1f} s after the first submit",
        f"  CPU time: {checked['server_cpu_ms']:.1f} ms per submit in uvicorn, "
        f"{checked['worker_cpu_ms']:.1f} ms per attempt in the Celery worker",
        f"  notifications to these students: {checked['notifications']}",
        "",
        "Targets:",
        *(f"  [{'PASS' if ok else 'FAIL'}] {text}" for text, ok in checks),
    ]
    return checks, "\n".join(lines) + "\n"
