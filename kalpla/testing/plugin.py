"""Loaded by pytest before Django settings: points the suite at the machine's services.

PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are used when reachable, and required
when CI=true; otherwise the suite falls back to the embedded default (SQLite, in-memory
layers) and says so in its header. Every xdist worker and every checkout gets its own test
database, Redis key prefix and Celery queue, so parallel runs on one machine never collide.
"""

import hashlib
import os
import socket
import tempfile
from pathlib import Path


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


ROOT = Path(__file__).resolve().parents[2]
RUN_ID = hashlib.sha1(str(ROOT).encode()).hexdigest()[:6]  # noqa: S324 - a name, not security
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
# One id per pytest invocation (xdist workers inherit the controller's), so two runs at once
# in the same checkout never share a test database or key prefix.
RUN = os.environ.setdefault("KALPLA_TEST_RUN", str(os.getpid()))
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("KALPLA_LOG_FORMAT", "text")
os.environ.setdefault("KALPLA_LOG_LEVEL", "WARNING")
# Per-worker names are always set here: xdist workers inherit the controller's environment.
os.environ["KALPLA_MEDIA_ROOT"] = os.path.join(
    tempfile.gettempdir(), f"kalpla-test-media-{RUN_ID}-{RUN}-{WORKER}"
)
os.environ["KALPLA_CACHE_PREFIX"] = f"kalpla-test-{RUN_ID}-{RUN}-{WORKER}"
os.environ["CELERY_TASK_DEFAULT_QUEUE"] = f"kalpla-test-{RUN_ID}-{RUN}-{WORKER}"
# Threads (channels, live servers) must not keep connections that block dropping test DBs.
os.environ["DATABASE_CONN_MAX_AGE"] = "0"

if "DATABASE_URL" not in os.environ and _reachable("127.0.0.1", 5432):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/postgres"
if "REDIS_URL" not in os.environ and _reachable("127.0.0.1", 6379):
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/0"
if CI and not (os.environ.get("DATABASE_URL", "").startswith("postgres")):
    raise SystemExit("CI=true needs PostgreSQL on 127.0.0.1:5432 (or DATABASE_URL).")
if CI and not os.environ.get("REDIS_URL"):
    raise SystemExit("CI=true needs Redis on 127.0.0.1:6379 (or REDIS_URL).")

os.environ.setdefault("KALPLA_TEST_DB_NAME", f"test_kalpla_{RUN_ID}_{RUN}")
os.environ.setdefault("CELERY_BROKER_URL", os.environ.get("REDIS_URL", ""))
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
if os.environ.get("REDIS_URL"):
    # The real-worker tests read results; the backend must exist before Celery caches it.
    os.environ.setdefault("CELERY_RESULT_BACKEND", os.environ["REDIS_URL"])
os.environ.setdefault("CELERY_BROKER_VISIBILITY_TIMEOUT", "5")
# Learning events go straight to their table in tests (deterministic); the Redis buffer's own
# tests switch it on (analytics/tests/test_events_buffer.py).
os.environ.setdefault("KALPLA_ANALYTICS_BUFFER", "direct")
# A test that edits a course and reads the catalogue at once would see the page a process
# kept in memory for a second; the tests of that memory turn it on.
os.environ.setdefault("KALPLA_CATALOGUE_MEMORY_SECONDS", "0")


def pytest_report_header(config: object) -> str:
    database = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    redis = "Redis" if os.environ.get("REDIS_URL") else "local memory (no Redis)"
    return f"kalpla backends: database={database}, cache/channels={redis}"
