import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from accounts.roles import user_roles
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"


def _link(message: str) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message).group(1)


def test_signup_requires_email_verification_then_logs_in(client):
    # given a visitor who signs up
    response = client.post(
        SIGNUP,
        {
            "email": "New@Example.com",
            "name": "Nina New",
            "password1": "a-long-secret-phrase",
            "password2": "a-long-secret-phrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new@example.com")
    # then they are a Student with their name, not yet verified and not signed in
    assert user.name == "Nina New"
    assert user_roles(user) == {"Student"}
    assert not EmailAddress.objects.get(user=user).verified
    assert client.get("/api/v1/me/").status_code in (401, 403)
    # when they follow the link in the email
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0].body)
    assert client.get(link).status_code == 200
    response = client.post(link)
    # then the address is verified and they are signed in
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/api/v1/me/").json()["email"] == "new@example.com"


def test_login_blocked_until_email_verified(client):
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_login_with_verified_email_succeeds(client, student):
    response = client.post(LOGIN, {"login": student.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


def test_login_wrong_password_shows_form_error(client, student):
    response = client.post(LOGIN, {"login": student.email, "password": "wrong-password-1"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short1", "too short"), ("password123", "too common"), ("1234567890123", "entirely numeric")],
)
def test_signup_password_policy(client, password, reason):
    response = client.post(
        SIGNUP, {"email": "weak@example.com", "password1": password, "password2": password}
    )
    assert response.status_code == 200
    assert reason in str(response.context["form"].errors).lower()
    assert not User.objects.filter(email="weak@example.com").exists()


def test_signup_password_similar_to_email_refused(client):
    pw = "priyanka.sharma"
    response = client.post(
        SIGNUP,
        {"email": "priyanka.sharma@example.com", "password1": pw, "password2": pw},
    )
    assert response.status_code == 200
    assert "too similar" in str(response.context["form"].errors).lower()


def test_login_rate_limited_after_repeated_failures(client, student):
    for _ in range(5):
        client.post(LOGIN, {"login": student.email, "password": "wrong-password-1"})
    response = client.post(LOGIN, {"login": student.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_password_reset_flow(client, student):
    response = client.post("/accounts/password/reset/", {"email": student.email})
    assert response.status_code == 302
    link = _link(mail.outbox[-1].body)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0] if response.redirect_chain else link,
        {"password1": "brand-new-passphrase", "password2": "brand-new-passphrase"},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("brand-new-passphrase")


def test_password_change_requires_current_password(client, student):
    client.force_login(student)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "not-it-at-all",
            "password1": "another-passphrase",
            "password2": "another-passphrase",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "another-passphrase",
            "password2": "another-passphrase",
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("another-passphrase")


def test_social_providers_hidden_when_not_configured(client):
    body = client.get(LOGIN).content.decode()
    assert "Google" not in body and "Facebook" not in body and "LinkedIn" not in body


def test_social_providers_shown_when_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APPS": [{"client_id": "id", "secret": "s"}]},
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "linkedin",
                    "name": "LinkedIn",
                    "client_id": "id",
                    "secret": "s",
                    "settings": {"server_url": "https://www.linkedin.com/oauth"},
                }
            ]
        },
    }
    body = client.get(LOGIN).content.decode()
    assert "Google" in body and "LinkedIn" in body


def test_social_login_of_an_unconfigured_provider_is_404_not_500(client, db):
    # no GOOGLE_CLIENT_ID / FACEBOOK_CLIENT_ID in the test settings
    for url in ("/accounts/google/login/", "/accounts/facebook/login/callback/"):
        assert client.get(url).status_code == 404


def test_headless_token_login_with_an_unconfigured_provider_is_a_validation_error(client, db):
    response = client.post(
        "/_allauth/app/v1/auth/provider/token",
        {"provider": "google", "process": "login", "token": {"client_id": "x", "id_token": "y"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "token"
