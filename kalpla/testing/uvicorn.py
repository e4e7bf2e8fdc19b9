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
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def uvicorn_server(
    *, env: dict[str, str], args: tuple[str, ...] = ()
) -> Iterator[tuple[str, Callable[[], str]]]:
    port = free_port()
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kalpla.settings",
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        **env,
    }
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    full_env.setdefault("KALPLA_WS_MAX_FRAME_BYTES", str(settings.KALPLA_WS_MAX_FRAME_BYTES))
    command = [sys.executable, "-m", "uvicorn", "kalpla.asgi:application"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"]
    command += ["--ws-max-size", full_env["KALPLA_WS_MAX_FRAME_BYTES"], *args]
    with tempfile.TemporaryFile(mode="w+") as log:

        def output() -> str:
            log.flush()
            log.seek(0)
            return log.read()

        process = subprocess.Popen(
            command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield _wait_for_health(f"http://127.0.0.1:{port}", process, output), output
        finally:
            stop_process(process)


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
