import json

import pytest
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from accounts.services import api_key_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_rates(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    rates = {"anon": "3/min", "user": "3/min", "api_key": "5/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
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
