"""Fixtures for the Playwright browser tests (Debian's Chromium, never a downloaded build).

- ``browser_type_launch_args`` points pytest-playwright at /usr/bin/chromium.
- Without Chromium the tests skip with a reason, or fail loudly when CI=true.
- ``live_server`` (pytest-django, WSGI) serves most journeys; ``asgi_server`` starts uvicorn
  on the test database for pages that need WebSockets.
"""

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from kalpla.testing.uvicorn import database_url_for_tests, uvicorn_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _require_chromium() -> None:
    if os.access(CHROMIUM, os.X_OK):
        return
    reason = f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`."
    if CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    _require_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "UTC"}


# Playwright's sync API marks its event loop as running in this thread between its calls.
# Django then refuses ORM calls (SynchronousOnlyOperation) unless DJANGO_ALLOW_ASYNC_UNSAFE
# is set, and async tests or async_to_sync run later in the same worker would fail. So the
# variable is set for browser tests only, and the loop mark is parked after each browser
# test and put back before the next one (and before the browser closes).
_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_ASYNC_UNSAFE_BY_USER = _ASYNC_UNSAFE in os.environ
_parked_loop: list[asyncio.AbstractEventLoop] = []


def _allow_async_unsafe(allow: bool) -> None:
    if allow:
        os.environ[_ASYNC_UNSAFE] = "true"
    else:
        os.environ.pop(_ASYNC_UNSAFE, None)


def _unpark_playwright_loop() -> None:
    if _parked_loop:
        asyncio._set_running_loop(_parked_loop.pop())


def _park_playwright_loop() -> None:
    loop = asyncio._get_running_loop()
    if loop is not None:
        _parked_loop.append(loop)
        asyncio._set_running_loop(None)


@pytest.fixture(scope="session", autouse=True)
def _async_unsafe_for_session_setup() -> Iterator[None]:
    """Set up before Playwright starts: the test database may be created after it."""
    _allow_async_unsafe(True)
    yield
    _allow_async_unsafe(_ASYNC_UNSAFE_BY_USER)


@pytest.fixture(scope="session")
def _playwright_loop_guard(browser) -> Iterator[None]:
    """Torn down just before the session's browser: closing it needs the loop mark back."""
    yield
    _unpark_playwright_loop()


@pytest.fixture(autouse=True)
def _browser_test(
    _async_unsafe_for_session_setup: None, _playwright_loop_guard: None
) -> Iterator[None]:
    _require_chromium()
    _allow_async_unsafe(True)
    _unpark_playwright_loop()
    yield
    # While the loop is marked as running, asgiref keeps Django's connections per context
    # rather than per thread: close the ones this test opened, or they outlive the test
    # and keep the test database from being dropped.
    connections.close_all()
    _park_playwright_loop()
    _allow_async_unsafe(_ASYNC_UNSAFE_BY_USER)


@pytest.fixture
def page(page):
    """pytest-playwright's page, with timeouts that fail fast."""
    page.set_default_timeout(15_000)
    page.set_default_navigation_timeout(20_000)
    return page


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[str]:
    """Serve kalpla.asgi:application with uvicorn on a free loopback port; yield its base URL.

    The server uses this test's database (committed data only, hence transactional_db) and
    the same cache prefix, secret key and settings tweaks as the test process, with the same
    command-line limits as ``make run`` (kalpla.testing.uvicorn).
    """
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        if CI:
            pytest.fail("asgi_server needs the PostgreSQL test database.", pytrace=False)
        pytest.skip("asgi_server needs PostgreSQL: the SQLite test database lives in memory.")
    env = {
        "DATABASE_URL": database_url_for_tests(),
        "DATABASE_CONN_MAX_AGE": "0",
        "DJANGO_SETTINGS_MODULE": "tests.browser.asgi_settings",
    }
    with uvicorn_server(env=env, args=("--log-level", "warning", "--no-access-log")) as served:
        yield served[0]
