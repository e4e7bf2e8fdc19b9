"""The mobile app's sign-in path: allauth headless app client, then the REST API."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail

from accounts.tests.factories import PASSWORD
from accounts.tests.mfa import totp_now

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"


def test_app_login_token_works_on_me(client, student):
    response = client.post(
        f"{APP}/auth/login",
        {"email": student.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["meta"]["session_token"]
    me = client.get("/api/v1/me/", headers={"X-Session-Token": token})
    assert me.status_code == 200
    assert me.json()["email"] == student.email
    assert me.json()["roles"] == ["Student"]


def test_app_login_wrong_password_is_400(client, student):
    response = client.post(
        f"{APP}/auth/login",
        {"email": student.email, "password": "nope-nope-nope"},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_bogus_session_token_is_401(client, db):
    response = client.get("/api/v1/me/", headers={"X-Session-Token": "not-a-real-token"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_app_logout_ends_token(client, student):
    login = client.post(
        f"{APP}/auth/login",
        {"email": student.email, "password": PASSWORD},
        content_type="application/json",
    )
    token = login.json()["meta"]["session_token"]
    client.delete(f"{APP}/auth/session", headers={"X-Session-Token": token})
    assert client.get("/api/v1/me/", headers={"X-Session-Token": token}).status_code == 401


def test_app_login_with_mfa(client, student):
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(student, secret)
    response = client.post(
        f"{APP}/auth/login",
        {"email": student.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 401
    body = response.json()
    assert any(f["id"] == "mfa_authenticate" and f.get("is_pending") for f in body["data"]["flows"])
    pending = body["meta"]["session_token"]
    # the pending token is not yet a signed-in session
    assert client.get("/api/v1/me/", headers={"X-Session-Token": pending}).status_code == 401
    response = client.post(
        f"{APP}/auth/2fa/authenticate",
        {"code": totp_now(secret)},
        content_type="application/json",
        headers={"X-Session-Token": pending},
    )
    assert response.status_code == 200
    token = response.json()["meta"]["session_token"]
    assert client.get("/api/v1/me/", headers={"X-Session-Token": token}).status_code == 200


def test_app_signup_and_verify_email(client, db):
    response = client.post(
        f"{APP}/auth/signup",
        {"email": "mobile@example.com", "password": "a-long-secret-phrase"},
        content_type="application/json",
    )
    assert response.status_code == 401
    flows = response.json()["data"]["flows"]
    assert any(f["id"] == "verify_email" and f.get("is_pending") for f in flows)
    token = response.json()["meta"]["session_token"]
    key = re.search(r"/confirm-email/([^/\s]+)/", mail.outbox[-1].body).group(1)
    response = client.post(
        f"{APP}/auth/email/verify",
        {"key": key},
        content_type="application/json",
        headers={"X-Session-Token": token},
    )
    assert response.status_code == 200
    token = response.json()["meta"]["session_token"]
    me = client.get("/api/v1/me/", headers={"X-Session-Token": token}).json()
    assert me["email"] == "mobile@example.com"
    assert me["roles"] == ["Student"]
