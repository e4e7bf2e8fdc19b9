"""JSON nested deeper than Python's parser can hold is a 400, never a 500."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

DEEP_LIST = "[" * 50_000 + "]" * 50_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000


@pytest.fixture
def raising_client() -> Client:
    # raise_request_exception=False: a crash shows as the 500 a client would get
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("body", [DEEP_LIST, DEEP_OBJECT])
def test_api_answers_400_to_deeply_nested_json(raising_client, student, body):
    raising_client.force_login(student)
    response = raising_client.patch("/api/v1/me/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize("body", [DEEP_LIST, DEEP_OBJECT])
def test_app_login_answers_400_to_deeply_nested_json(raising_client, body):
    response = raising_client.post(
        "/_allauth/app/v1/auth/login", body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_upload_start_answers_400_to_deeply_nested_json(raising_client, mentor):
    raising_client.force_login(mentor)
    response = raising_client.post("/api/v1/uploads/", DEEP_LIST, content_type="application/json")
    assert response.status_code == 400
