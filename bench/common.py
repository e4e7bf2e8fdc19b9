"""What every bench suite shares: the bench environment, child processes (Django commands,
uvicorn, a Celery worker) and where results go. Imports no Django: the driver only starts
processes; the Django side of a suite runs in a child with ``bench_env``."""

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kalpla_bench"
HOST = "127.0.0.1"

Log = Callable[[str], None]
Checks = list[tuple[str, bool]]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def database_url_named(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def recreate_database(url: str, template: str | None = None) -> None:
    """Drop and create the database of ``url`` (its name must contain "bench"), empty or as a
    copy of ``template`` (a migrated database: a copy takes a second, a migration a minute)."""
    import psycopg

    name = database_name(url)
    if "bench" not in name:
        raise SystemExit(
            f"Refusing to drop {name!r}: the bench database name must contain 'bench'."
        )
    admin = database_url_named(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if template:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            conn.execute(f'CREATE DATABASE "{name}"')


def bench_env(
    database_url: str, *, prefix: str = "kalpla-bench", workers_on: str | None = None
) -> dict[str, str]:
    """The site's environment as production sets it, on the bench database and its own Redis
    key prefix. ``workers_on``: a Celery queue name; tasks then go to Redis for a real worker
    (bench suites start one) instead of running inline."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "KALPLA_", "CELERY_"))
    }
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
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
            "REDIS_URL": redis_url,
            "KALPLA_CACHE_PREFIX": prefix,
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "KALPLA_LOG_LEVEL": "WARNING",
            "KALPLA_LOG_FORMAT": "text",
            "KALPLA_MEDIA_ROOT": str(Path(tempfile.gettempdir()) / f"{prefix}-media"),
            "KALPLA_STATIC_ROOT": str(Path(tempfile.gettempdir()) / "kalpla-bench-static"),
            # The throttles would answer 429 to one client sending thousands of requests.
            "KALPLA_THROTTLE_ANON": "100000000/min",
            "KALPLA_THROTTLE_USER": "100000000/min",
            "PYTHONPATH": str(ROOT),
        }
    )
    if workers_on:
        env.update(
            {
                "CELERY_TASK_ALWAYS_EAGER": "false",
                "CELERY_BROKER_URL": redis_url,
                "CELERY_TASK_DEFAULT_QUEUE": workers_on,
            }
        )
    return env


def django_run(args: list[str], env: dict[str, str], timeout: float = 300) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def cache_clear(env: dict[str, str]) -> None:
    """Only this run's key prefix (the cache's clear()), never the whole Redis."""
    django_run(
        ["-c", "import django; django.setup(); from django.core.cache import cache; cache.clear()"],
        env,
    )


def stop_group(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """Stop a process started with ``start_new_session`` and everything it started."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    """uvicorn as production runs it (loopback only), answering the baseline view."""
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
    stop_group(process)
    raise SystemExit("uvicorn did not answer within 60 s.")


def start_worker(
    env: dict[str, str], *, concurrency: int, include: Sequence[str] = ()
) -> subprocess.Popen[bytes]:
    """The Celery worker as docker-compose runs it (prefork, acks late from the settings) on
    the bench's own queue; ``include``: extra task modules (the bench's no-op task).
    Returns once the worker answers a ping."""
    queue = env["CELERY_TASK_DEFAULT_QUEUE"]
    command = [
        sys.executable, "-m", "celery", "-A", "kalpla", "worker", "-l", "warning",
        f"--concurrency={concurrency}", f"--queues={queue}",
        f"--hostname={queue}-{os.getpid()}@%h", "--without-mingle", "--without-gossip",
        *(f"--include={module}" for module in include),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    ping = (
        "import django; django.setup(); from kalpla.celery import app; import sys; "
        f"sys.exit(0 if app.control.ping(destination=['{queue}-{os.getpid()}@' + "
        "__import__('socket').gethostname()], timeout=1.0) else 1)"
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the Celery worker exited before it answered.")
        done = subprocess.run([sys.executable, "-c", ping], cwd=ROOT, env=env, check=False)
        if done.returncode == 0:
            return process
        time.sleep(0.5)
    stop_group(process)
    raise SystemExit("the Celery worker did not answer within 90 s.")


def purge_queue(env: dict[str, str]) -> None:
    """Drop messages a crashed earlier run left on the bench's queue."""
    queue = env["CELERY_TASK_DEFAULT_QUEUE"]
    django_run(
        [
            "-c",
            "import django; django.setup(); from kalpla.celery import app\n"
            f"with app.connection_for_write() as c: c.default_channel.queue_purge({queue!r})",
        ],
        env,
    )


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


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def write_result(suite: str, text: str, directory: Path = RESULTS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{suite}.txt"
    path.write_text(text)
    return path


def machine_line(load_before: tuple[float, float, float]) -> str:
    return (
        "machine load average (1/5/15 min) before: "
        + " / ".join(f"{x:.1f}" for x in load_before)
        + ", after: "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
        + f" on {os.cpu_count()} CPUs (other work on this machine skews every figure)"
    )
