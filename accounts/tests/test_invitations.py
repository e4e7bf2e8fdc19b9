"""Invited accounts: made in bulk, invited once, and the set-password link (allauth's password
reset key) on the site and in the app API, after which the person signs in."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from accounts.invitations import invitation_url, user_invitations_send, users_invite
from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-Passw0rd!"


def _invite(capture, email: str = "new@example.com", name: str = "New Person") -> User:
    with capture(execute=True):
        created = users_invite(people=[(email, name)], invited_by_id=None)
    return User.objects.get(pk=created[email])


def test_users_invite_makes_accounts_only_for_unknown_addresses_and_emails_them_once(
    django_capture_on_commit_callbacks,
):
    existing = UserFactory(email="known@example.com")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = users_invite(
            people=[("known@example.com", "K"), ("a@example.com", "A"), ("b@example.com", "")],
            invited_by_id=existing.pk,
        )

    assert set(created) == {"a@example.com", "b@example.com"}
    assert len(callbacks) == 1  # one task for the whole batch
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]
    assert existing.display_name in mail.outbox[0].body  # who invited them
    # again: nobody new, nobody emailed
    with django_capture_on_commit_callbacks(execute=True):
        assert users_invite(people=[("a@example.com", "A")], invited_by_id=None) == {}
    assert len(mail.outbox) == 2


def test_invitation_is_skipped_for_someone_who_already_set_a_password(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        created = users_invite(people=[("late@example.com", "")], invited_by_id=None)
    user = User.objects.get(pk=created["late@example.com"])
    user.set_password(PASSWORD)
    user.save()

    assert user_invitations_send(user_ids=[user.pk], invited_by_id=None) == 0
    assert mail.outbox == []


def test_invited_person_sets_a_password_on_the_site_and_signs_in(
    django_capture_on_commit_callbacks,
):
    user = _invite(django_capture_on_commit_callbacks)
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body)
    assert link is not None
    client = Client()

    # allauth keeps the key in the session and redirects to the set-password form
    response = client.get(link.group(0), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    done = client.post(form_url, {"password1": PASSWORD, "password2": PASSWORD})

    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified is True
    # verification is mandatory: a verified address lets them in
    signed_in = Client().post(
        "/accounts/login/", {"login": "new@example.com", "password": PASSWORD}
    )
    assert signed_in.status_code == 302 and "verification" not in signed_in["Location"]


def test_invited_person_sets_a_password_through_the_app_api(django_capture_on_commit_callbacks):
    user = _invite(django_capture_on_commit_callbacks)
    key = invitation_url(user).rstrip("/").rsplit("/", 1)[1]

    response = Client().post(
        "/_allauth/app/v1/auth/password/reset",
        {"key": key, "password": PASSWORD},
        content_type="application/json",
    )

    # 401 with the "sign in" flow: the password is set, the app signs in next
    assert response.status_code == 401
    assert response.json()["data"]["flows"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified is True


def test_invitation_link_points_at_the_app_when_a_frontend_url_is_set(settings):
    settings.HEADLESS_FRONTEND_URLS = {
        "account_reset_password_from_key": "https://app.kalpla.example/reset/{key}"
    }
    user = UserFactory()

    assert invitation_url(user).startswith("https://app.kalpla.example/reset/")


def test_a_password_reset_does_not_verify_an_address_among_several():
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    EmailAddress.objects.create(user=user, email="second@example.com", verified=False)

    from accounts.invitations import invited_email_verify

    assert invited_email_verify(user=user) == 0
