"""Suite-wide fixtures. kalpla.testing.plugin (loaded first) has chosen the backends."""

from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory


def pytest_configure(config: pytest.Config) -> None:
    # Fast hashing: tests create many users; the production hasher is tested by Django.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # Tests send many messages from fresh accounts: the new-account hold and the spam limits
    # are off unless a test turns them on (community/tests/test_screening.py does).
    settings.KALPLA_MODERATION_NEW_ACCOUNT_POSTS = 0
    settings.KALPLA_MODERATION_MESSAGES_PER_MINUTE = 0
    settings.KALPLA_MODERATION_POSTS_PER_MINUTE = 0
    settings.KALPLA_MODERATION_DUPLICATE_WINDOW = 0


@pytest.fixture(autouse=True)
def _isolated_cache() -> None:
    """Rate limits and throttles live in the cache: every test starts with a clean slate.

    cache.clear() deletes only this worker's key prefix, never the shared Redis server.
    """
    cache.clear()


@pytest.fixture(autouse=True)
def _channel_layer_per_test() -> Iterator[None]:
    """Each test gets channel layers of its own.

    channels keeps one layer instance per process, and the Redis layer holds asyncio locks
    and receive state bound to the event loop that first used them. pytest-asyncio gives each
    test a new loop, so a layer a previous test left mid-receive failed the next test with
    "Lock is bound to a different event loop" (only when a busy machine let a receive
    outlive its test). A fresh instance per test binds to that test's loop alone.
    """
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _celery_join_flag_reset() -> Iterator[None]:
    """Each test starts with Celery's "inside a task" flag cleared.

    Celery keeps that flag in one process-wide global and an eager task saves and restores it
    around its run, which is not thread-safe: when tests run eager tasks from several threads
    at once (the concurrency tests do), an interleaved restore leaves it set, and a later
    ``EagerResult.get()`` in the same process refused with "Never call result.get() within a
    task!" (order-dependent, hence only sometimes).
    """
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield
    _set_task_join_will_block(False)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def student(db):
    return UserFactory(roles=("Student",))


@pytest.fixture
def mentor(db):
    return UserFactory(roles=("Mentor",))


@pytest.fixture
def moderator(db):
    return UserFactory(roles=("Moderator",))


@pytest.fixture
def admin_user(db):
    return UserFactory(roles=("Admin",), is_staff=True, is_superuser=True)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def student_api(student) -> APIClient:
    client = APIClient()
    client.force_authenticate(student)
    return client


@pytest.fixture
def celery_worker(settings, transactional_db) -> Iterator[object]:
    """A real Celery worker (in a thread) consuming this test worker's queue on Redis.

    Tasks sent while it runs go through the broker instead of running eagerly. Tests using
    it see committed data only, hence the transactional database.
    """
    if not settings.REDIS_URL:
        if settings.CI:
            pytest.fail("CI=true but no Redis: the real-worker tests cannot run")
        pytest.skip("needs Redis for a real broker (always present with CI=true)")
    from kalpla.celery import app

    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(
        task_always_eager=False, broker_url=settings.REDIS_URL, result_backend=settings.REDIS_URL
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    app.conf.update(saved)


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """One moto server per test process, on a free loopback port."""
    from kalpla.testing.moto import moto_server

    with moto_server() as url:
        yield url


@pytest.fixture
def aws(settings, moto_url) -> Iterator[str]:
    """Point every AWS client (and the *aws* backends) at a freshly reset moto server."""
    from kalpla.testing.moto import moto_reset

    moto_reset(moto_url)
    params = {
        "endpoint_url": moto_url,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    settings.AWS_ENDPOINT_URL = moto_url
    settings.AWS_CLIENT_PARAMS = params
    settings.KALPLA_AWS_MAX_ATTEMPTS = 1
    settings.KALPLA_AI_BACKEND = "aws"
    settings.KALPLA_MESSAGING_BACKEND = "aws"
    settings.KALPLA_MEETINGS_BACKEND = "aws"
    settings.ANYMAIL = {**settings.ANYMAIL, "AMAZON_SES_CLIENT_PARAMS": params}
    yield moto_url


@pytest.fixture
def round_trips(monkeypatch, settings) -> list[int]:
    """The Redis round trips made (commands or pipelines sent), counted at redis-py's socket."""
    if not settings.REDIS_URL:
        if settings.CI:
            pytest.fail("CI=true but no Redis: the Redis round trips cannot be counted")
        pytest.skip("needs Redis (always present with CI=true)")
    from redis.connection import AbstractConnection

    sent: list[int] = []
    real = AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):  # type: ignore[no-untyped-def]
        sent.append(1)
        return real(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)
    return sent
