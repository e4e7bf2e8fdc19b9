"""The certificates suite: 1,000 certificate PDFs through the job pipeline (job kind
``assessments.certificate_pdf``: ProcessingJob, Celery on Redis, the handler storing each PDF)
against the rendering function (assessments/certificate_pdf.py) making the same 1,000 in a
loop. The worker has one process, so both render on one core at a time; the jobs are
enqueued from another process, a block in one transaction, as the site does when a course's
grade release issues certificates (they travel 25 to a Celery message).

The 1,000 go in blocks of 250, each rendered in the loop and right after through the pipeline,
so a burst of other work on the machine hits both alike. Target: the pipeline's total time
within 1.3x of the loop's. Figures go to bench/results/certificates.txt.
"""

import json
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import (
    Checks,
    Log,
    bench_env,
    cache_clear,
    django_run,
    machine_line,
    purge_queue,
    server_cpu_seconds,
    start_worker,
    stop_group,
    write_result,
)

QUEUE = "kalpla-bench-certificates"


def run(*, database_url: str, log: Log, count: int = 1000, block: int = 250) -> Checks:
    env = bench_env(database_url, prefix="kalpla-bench-certificates", workers_on=QUEUE)
    shutil.rmtree(env["KALPLA_MEDIA_ROOT"], ignore_errors=True)  # the last run's PDFs
    load_before = os.getloadavg()
    started = time.monotonic()
    log(f"certificates: issuing {count} certificates (rows, no PDF yet)")
    django_run(["-m", "bench.certificate_steps", "prepare", str(count)], env)
    purge_queue(env)
    log(f"certificates: starting a Celery worker (one process) on {QUEUE}")
    worker = start_worker(env, concurrency=1)
    blocks = []
    worker_cpu = 0.0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for first in range(0, count, block):
                log(f"certificates: {first}-{first + block}: loop, then pipeline")
                out = str(Path(tmp) / f"{first}.json")
                cpu = server_cpu_seconds(worker.pid)
                django_run(
                    ["-m", "bench.certificate_steps", "block", out, str(first), str(block)],
                    env,
                    timeout=900,
                )
                worker_cpu += server_cpu_seconds(worker.pid) - cpu
                blocks.append(json.loads(Path(out).read_text()))
    finally:
        stop_group(worker, timeout=30)
        purge_queue(env)
        cache_clear(env)
    checks, text = _report(blocks, worker_cpu, load_before)
    text += f"\n(run time {time.monotonic() - started:.0f} s)\n"
    log(f"certificates: written to {write_result('certificates', text)}")
    return checks


def _report(
    blocks: list[dict], worker_cpu: float, load_before: tuple[float, float, float]
) -> tuple[Checks, str]:
    count = sum(b["count"] for b in blocks)
    loop = sum(b["loop_s"] for b in blocks)
    loop_cpu = sum(b["loop_cpu_s"] for b in blocks)
    pipeline = sum(b["pipeline_s"] for b in blocks)
    enqueue_cpu = sum(b["enqueue_cpu_s"] for b in blocks)
    stored = sum(b["stored"] for b in blocks)
    ratio = pipeline / loop
    by_block = ", ".join(f"{b['pipeline_s'] / b['loop_s']:.2f}" for b in blocks)

    def per(seconds: float) -> str:
        return f"{seconds * 1000 / count:.2f} ms"

    checks: Checks = [
        (
            f"{count} certificate PDFs through the job pipeline within 1.3x of the PDF library "
            f"rendering them in a loop: {pipeline:.1f} s vs {loop:.1f} s: {ratio:.2f}x "
            f"(blocks {by_block})",
            ratio <= 1.3,
        ),
        (
            f"every certificate's PDF stored: {stored}/{count}",
            stored == count,
        ),
    ]
    lines = [
        f"Kalpla bench, certificates suite, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "Celery worker (prefork, one process, acks late) on Redis, PostgreSQL, files on disk; "
        "jobs in messages of 25 (KALPLA_JOB_BATCH_SIZES)",
        machine_line(load_before),
        f"{count} certificates in blocks of {blocks[0]['count']}, each block rendered in a loop "
        f"and then through the pipeline; a PDF is {blocks[0]['bytes'] / 1024:.1f} KiB",
        "",
        f"  {'':<46} {'total s':>8} {'per PDF':>10} {'CPU per PDF':>12}",
        f"  {'rendering function in a loop':<46} {loop:8.1f} {per(loop):>10} {per(loop_cpu):>12}",
        f"  {'job pipeline (enqueue -> PDF stored)':<46} {pipeline:8.1f} {per(pipeline):>10} "
        f"{per(worker_cpu + enqueue_cpu):>12}",
        f"  (pipeline CPU: {per(worker_cpu)} in the worker, {per(enqueue_cpu)} enqueueing)",
        "",
        "Targets:",
        *(f"  [{'PASS' if ok else 'FAIL'}] {text}" for text, ok in checks),
    ]
    return checks, "\n".join(lines) + "\n"
