"""Admin sign-in goes through the site's login: its second factor and rate limits apply."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.signals import user_login_failed

from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.mfa import totp_now

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def totp_staff(db):
    user = UserFactory(roles=("Admin",), is_staff=True, is_superuser=True)
    TOTP.activate(user, SECRET)
    return user


def _admin_login(client, user, password=PASSWORD):
    return client.post("/admin/login/?next=/admin/", {"username": user.email, "password": password})


def test_admin_login_with_the_password_alone_does_not_sign_in(client, totp_staff):
    response = _admin_login(client, totp_staff)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_admin_sign_in_asks_the_second_factor_then_opens_admin(client, totp_staff):
    login = client.get("/admin/login/?next=/admin/")
    assert login["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    response = client.post(login["Location"], {"login": totp_staff.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    done = client.post("/accounts/2fa/authenticate/", {"code": totp_now(SECRET)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_login_form_never_checks_passwords(client, totp_staff):
    failures: list[object] = []

    def record(**kwargs: object) -> None:
        failures.append(kwargs)

    user_login_failed.connect(record)
    try:
        for _ in range(30):
            _admin_login(client, totp_staff, password="wrong-password-123")
    finally:
        user_login_failed.disconnect(record)
    assert failures == []


def test_wrong_passwords_after_the_admin_redirect_are_rate_limited(client):
    staff = UserFactory(roles=("Admin",), is_staff=True, is_superuser=True)
    login_url = client.get("/admin/login/?next=/admin/")["Location"]
    for _ in range(5):
        wrong = client.post(login_url, {"login": staff.email, "password": "wrong-password-123"})
        assert wrong.status_code == 200
    right = client.post(login_url, {"login": staff.email, "password": PASSWORD})
    assert right.status_code == 200
    assert "Too many failed login attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_signed_in_non_staff_gets_403_on_admin_login(client, student):
    client.force_login(student)
    assert client.get("/admin/login/").status_code == 403


def test_admin_password_change_uses_the_site_form(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"
