import json

import pytest
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from accounts.services import api_key_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_rates(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    from kalpla.api.throttling import FixedWindowMixin

    rates = {"anon": "3/min", "user": "3/min", "api_key": "5/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    # The middle of a minute, so the requests of a test never straddle two windows.
    monkeypatch.setattr(FixedWindowMixin, "timer", staticmethod(lambda: 1_800_000_030.0))
    assert api_settings.DEFAULT_THROTTLE_CLASSES
    return rates


def test_anonymous_throttled_with_retry_after(tight_rates, api_client):
    # the public schema endpoint is anonymous-readable, so only the throttle stops it
    statuses = [api_client.get("/api/schema/?format=json").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert json.loads(response.content)["code"] == "throttled"


def test_user_throttled(tight_rates, student_api):
    statuses = [student_api.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_api_key_has_its_own_scope(tight_rates, student, student_api):
    _key, raw = api_key_create(user=student, name="ci")
    machine = APIClient(headers={"Authorization": f"Api-Key {raw}"})
    # the user's own scope is used up by the session client...
    for _ in range(3):
        student_api.get("/api/v1/me/")
    assert student_api.get("/api/v1/me/").status_code == 429
    # ...but the key is counted apart, at its own rate
    statuses = [machine.get("/api/v1/me/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_retry_after_counts_down_to_the_next_window(tight_rates, api_client):
    for _ in range(3):
        api_client.get("/api/schema/?format=json")
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 30  # the fixed clock is 30 s into its minute


def test_a_new_window_lets_the_client_in_again(tight_rates, api_client, monkeypatch):
    from kalpla.api.throttling import FixedWindowMixin

    for _ in range(3):
        assert api_client.get("/api/schema/?format=json").status_code == 200
    assert api_client.get("/api/schema/?format=json").status_code == 429
    monkeypatch.setattr(FixedWindowMixin, "timer", staticmethod(lambda: 1_800_000_090.0))
    assert api_client.get("/api/schema/?format=json").status_code == 200


def test_forwarded_for_is_not_believed_without_trusted_proxies(tight_rates, api_client):
    # A client cannot dodge its limit by inventing a new X-Forwarded-For on every request.
    statuses = [
        api_client.get(
            "/api/schema/?format=json", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_window_counter_is_one_key_per_window():
    from django.core.cache import cache

    from kalpla.api.throttling import window_hit

    cache.delete_many(["t:hits:30000000", "t:hits:30000001"])
    assert window_hit("t:hits", 60, 1_800_000_000.0) == (1, 1_800_000_060.0)
    assert window_hit("t:hits", 60, 1_800_000_059.0)[0] == 2
    assert window_hit("t:hits", 60, 1_800_000_060.0)[0] == 1


def test_window_counter_without_redis(settings):
    from kalpla.api.throttling import window_hit

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    assert window_hit("t:local", 60, 1_800_000_000.0)[0] == 1
    assert window_hit("t:local", 60, 1_800_000_001.0)[0] == 2
    assert window_hit("t:local", 60, 1_800_000_061.0)[0] == 1


@pytest.mark.parametrize("cached", [False, True])
def test_catalogue_pages_count_the_throttles_with_their_cached_read(
    tight_rates, api_client, student_api, cached
):
    # The catalogue API's browsing pages count the windows in the same round trip as their
    # cached read: the same limits, the same 429 and Retry-After, shared with other views.
    if cached:
        APIClient().get("/api/v1/courses/", REMOTE_ADDR="198.51.100.7")  # page in the cache
    statuses = [api_client.get("/api/v1/courses/").status_code for _ in range(2)]
    statuses.append(api_client.get("/api/schema/?format=json").status_code)
    statuses.append(api_client.get("/api/v1/courses/").status_code)
    assert statuses == [200, 200, 200, 429]
    response = api_client.get("/api/v1/courses/")
    assert response.status_code == 429 and int(response["Retry-After"]) == 30
    assert json.loads(response.content)["code"] == "throttled"
    # a signed-in user is counted in their own scope, not the anonymous client's
    statuses = [student_api.get("/api/v1/courses/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_catalogue_options_requests_are_counted_too(tight_rates, api_client):
    statuses = [api_client.options("/api/v1/courses/").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert api_client.get("/api/v1/courses/").status_code == 429
