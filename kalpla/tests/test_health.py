import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_all_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert set(checks) == {"database", "cache", "channel_layer", "broker"}
    assert all(c["status"] in ("ok", "eager") for c in checks.values())


def test_readyz_reports_dead_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "kalpla.cache.PrefixedRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "KEY_PREFIX": "dead",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["cache"]["status"] == "failing"
    assert body["checks"]["database"]["status"] == "ok"


def test_readyz_reports_dead_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "failing"


def test_readyz_reports_dead_channel_layer(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"]["status"] == "failing"


def test_readyz_with_live_broker(client, settings):
    if not settings.REDIS_URL:
        if settings.CI:
            pytest.fail("CI=true but no Redis: the live broker cannot be checked")
        pytest.skip("needs Redis (always present with CI=true)")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    assert client.get("/readyz").json()["checks"]["broker"]["status"] == "ok"


def test_caches_restored():
    # the dead-port override above must not leak into later tests
    assert "127.0.0.1:1" not in str(getattr(caches["default"], "location", ""))
