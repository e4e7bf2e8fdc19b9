"""Run kalpla.asgi under a real uvicorn subprocess for transport tests (raw sockets, logs).

``uvicorn_server`` yields the server's base URL and a function that returns its output so
far; the caller picks the database (a temporary SQLite file needs no migrations for views
that do not query; ``database_url_for_tests()`` names the test database, whose committed
rows the server then sees). The server gets ``--ws-max-size`` from the same
``KALPLA_WS_MAX_FRAME_BYTES`` its settings read, as in production.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


Server = tuple[str, Callable[[], str], subprocess.Popen]


@contextmanager
def uvicorn_server(
    *, env: dict[str, str], args: tuple[str, ...] = ()
) -> Iterator[tuple[str, Callable[[], str]]]:
    with uvicorn_processes(env=env, args=args) as [(base_url, output, _process)]:
        yield base_url, output


@contextmanager
def uvicorn_processes(
    *, env: dict[str, str], count: int = 1, args: tuple[str, ...] = ()
) -> Iterator[list[Server]]:
    """``count`` servers started at once (base URL, output, process each), for tests of
    several server processes or that kill one."""
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kalpla.settings",
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        **env,
    }
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    full_env.setdefault("KALPLA_WS_MAX_FRAME_BYTES", str(settings.KALPLA_WS_MAX_FRAME_BYTES))
    with ExitStack() as stack:
        started = []
        for _ in range(count):
            port = free_port()
            command = [sys.executable, "-m", "uvicorn", "kalpla.asgi:application"]
            command += ["--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"]
            command += ["--ws-max-size", full_env["KALPLA_WS_MAX_FRAME_BYTES"], *args]
            log = stack.enter_context(tempfile.TemporaryFile(mode="w+"))
            process = subprocess.Popen(
                command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
            )
            stack.callback(stop_process, process)
            started.append((port, _reader(log), process))
        yield [
            (_wait_for_health(f"http://127.0.0.1:{port}", process, output), output, process)
            for port, output, process in started
        ]


def _reader(log: IO[str]) -> Callable[[], str]:
    def output() -> str:
        log.flush()
        log.seek(0)
        return log.read()

    return output


def database_url_for_tests() -> str:
    """DATABASE_URL of the test database this process uses (after pytest-django set it up)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            raise RuntimeError("An in-memory SQLite test database cannot be shared.")
        return f"sqlite:///{os.path.abspath(name)}"
    credentials = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _wait_for_health(base_url: str, process: subprocess.Popen, output: Callable[[], str]) -> str:
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}:\n{output()}")
        try:
            url = f"{base_url}/healthz"  # http://127.0.0.1, built above
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return base_url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not answer /healthz within 60 s:\n{output()}")
        time.sleep(0.2)
