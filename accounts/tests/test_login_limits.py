"""Wrong passwords are limited per account and client address: a stranger who knows an email
cannot lock its owner out, and the apps get 429 with Retry-After."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings

from accounts.tests.factories import PASSWORD
from accounts.tests.mfa import totp_now

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"
ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def site_login(client, user, password, ip):
    return client.post(
        "/accounts/login/", {"login": user.email, "password": password}, REMOTE_ADDR=ip
    )


def app_login(client, user, password, ip):
    return client.post(
        f"{APP}/auth/login",
        {"email": user.email, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def locked_out(response) -> bool:
    return "Too many failed login attempts" in response.content.decode()


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(client, student):
    for _ in range(6):
        site_login(client, student, "wrong-password-123", ATTACKER)
    assert locked_out(site_login(client, student, PASSWORD, ATTACKER))
    response = site_login(client, student, PASSWORD, OWNER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


def test_app_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(client, student):
    for _ in range(6):
        app_login(client, student, "wrong-password-123", ATTACKER)
    assert app_login(client, student, PASSWORD, OWNER).status_code == 200


def test_app_login_limit_answers_429_with_retry_after(client, student):
    for _ in range(5):
        assert app_login(client, student, "wrong-password-123", ATTACKER).status_code == 400
    response = app_login(client, student, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 300
    body = response.json()
    assert body["status"] == 429
    assert body["errors"][0]["code"] == "too_many_login_attempts"


def test_app_wrong_mfa_codes_answer_429_with_retry_after(client, student):
    TOTP.activate(student, SECRET)
    pending = app_login(client, student, PASSWORD, OWNER).json()["meta"]["session_token"]

    def code(value: str):
        return client.post(
            f"{APP}/auth/2fa/authenticate",
            {"code": value},
            content_type="application/json",
            headers={"X-Session-Token": pending},
            REMOTE_ADDR=OWNER,
        )

    for _ in range(5):
        assert code("000000").status_code == 400
    response = code(totp_now(SECRET))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 300


def test_allauth_counts_clients_like_the_api_throttles():
    # behind N trusted proxies both read the Nth address from the right of X-Forwarded-For
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.ALLAUTH_TRUSTED_PROXY_COUNT


@pytest.fixture
def small_account_cap(settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "3/h/key",
    }


def test_many_addresses_hit_the_account_cap_but_not_the_owners_known_address(
    client, student, small_account_cap
):
    # given the owner signed in from home once
    site_login(client, student, PASSWORD, OWNER)
    client.logout()
    # when three addresses guess the password, the account stops taking new addresses
    for n in range(3):
        site_login(client, student, "wrong-password-123", f"203.0.113.{n + 1}")
    assert locked_out(site_login(client, student, PASSWORD, "203.0.113.50"))
    limited = app_login(client, student, PASSWORD, "203.0.113.51")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    # then the owner still gets in from the address they used before
    response = site_login(client, student, PASSWORD, OWNER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


def test_right_passwords_do_not_use_up_the_account_cap(client, student, small_account_cap):
    for n in range(5):
        assert app_login(client, student, PASSWORD, f"203.0.113.{n + 1}").status_code == 200
