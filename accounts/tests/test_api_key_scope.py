"""What an API key may do: the user's data, never the account's credentials.

Key management, phone/SMS sign-in codes, push devices, password, email, MFA and sessions
need a signed-in session or an app session token.
"""

import pytest
from allauth.account.models import EmailAddress
from rest_framework.test import APIClient

from accounts.models import ApiKey
from accounts.services import api_key_create
from notifications.models import Device

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"


@pytest.fixture
def keyed(student):
    key, raw = api_key_create(user=student, name="Reports")
    other, _ = api_key_create(user=student, name="Other")
    device = Device.objects.create(user=student, platform="android", token="push-token-1")
    client = APIClient(headers={"Authorization": f"Api-Key {raw}"})
    return client, key, other, device


ACCOUNT_API = [
    ("get", "/api/v1/me/api-keys/", None),
    ("post", "/api/v1/me/api-keys/", {"name": "Copy"}),
    ("delete", "/api/v1/me/api-keys/{other}/", None),
    ("get", "/api/v1/me/phone/", None),
    ("post", "/api/v1/me/phone/", {"number": "+919876543210"}),
    ("patch", "/api/v1/me/phone/", {"sms_mfa_enabled": False}),
    ("delete", "/api/v1/me/phone/", None),
    ("post", "/api/v1/me/phone/verify/", {"code": "123456"}),
    ("get", "/api/v1/me/devices/", None),
    ("post", "/api/v1/me/devices/", {"platform": "android", "token": "attacker-token"}),
    ("delete", "/api/v1/me/devices/{device}/", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ACCOUNT_API)
def test_api_key_refused_on_account_management(keyed, method, path, body):
    client, _key, other, device = keyed
    url = path.format(other=other.pk, device=device.pk)
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "api_key_not_allowed"
    # nothing changed
    assert ApiKey.objects.filter(user=other.user).count() == 2
    other.refresh_from_db()
    assert other.revoked_at is None
    assert list(Device.objects.values_list("token", flat=True)) == ["push-token-1"]


@pytest.mark.parametrize(("method", "path", "body"), ACCOUNT_API[:3])
def test_session_still_manages_api_keys(student_api, student, method, path, body):
    other, _ = api_key_create(user=student, name="Other")
    response = getattr(student_api, method)(path.format(other=other.pk), body, format="json")
    assert response.status_code in (200, 201, 204)


def test_api_key_still_reads_and_edits_the_profile(keyed, student):
    client, *_ = keyed
    assert client.get("/api/v1/me/").status_code == 200
    response = client.patch("/api/v1/me/", {"bio": "Scripted"}, format="json")
    assert response.status_code == 200 and response.json()["bio"] == "Scripted"


HEADLESS = [
    ("get", f"{APP}/auth/session"),
    ("post", f"{APP}/account/password/change"),
    ("get", f"{APP}/account/email"),
    ("post", f"{APP}/account/email"),
    ("get", f"{APP}/account/authenticators"),
    ("get", f"{APP}/auth/sessions"),
    ("delete", f"{APP}/auth/sessions"),
]


@pytest.mark.parametrize(("method", "path"), HEADLESS)
def test_api_key_is_no_headless_session(keyed, method, path):
    client, *_ = keyed
    body = {"current_password": "x", "new_password": "y", "email": "evil@example.com"}
    response = getattr(client, method)(path, body, format="json")
    # 401 not signed in; 409 where allauth first checks that a session is signed in
    assert response.status_code in (401, 409)
    assert not EmailAddress.objects.filter(email="evil@example.com").exists()


SITE = [
    "/account/api-keys/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/2fa/",
    "/accounts/sessions/",
    "/notifications/phone/",
]


@pytest.mark.parametrize("path", SITE)
def test_api_key_is_no_site_session(keyed, path):
    client, *_ = keyed
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
