"""Signed one-click unsubscribe links: valid, tampered, expired, transactional."""

import time

import pytest
from django.core import signing
from django.test import Client

from accounts.tests.factories import UserFactory
from notifications.kinds import CATEGORIES, KINDS, Kind
from notifications.models import NotificationPreference
from notifications.services.email import (
    UNSUBSCRIBE_SALT,
    unsubscribe_token,
    unsubscribe_token_read,
    unsubscribe_url,
)

pytestmark = pytest.mark.django_db


def path_of(user, category: str) -> str:
    return f"/notifications/unsubscribe/{unsubscribe_token(user=user, category=category)}/"


def email_pref(user, category: str) -> bool | None:
    pref = NotificationPreference.objects.filter(
        user=user, category=category, channel="email"
    ).first()
    return None if pref is None else pref.enabled


def test_get_shows_a_confirmation_and_changes_nothing(client):
    user = UserFactory()
    response = client.get(path_of(user, "community"))
    assert response.status_code == 200
    body = response.content.decode()
    assert user.email in body and str(CATEGORIES["community"]) in body
    assert email_pref(user, "community") is None


def test_post_turns_the_category_email_off_without_signing_in(client):
    user = UserFactory()
    NotificationPreference.objects.create(
        user=user, category="community", channel="email", enabled=True
    )
    response = client.post(path_of(user, "community"))
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert email_pref(user, "community") is False
    # other categories and channels are untouched
    assert email_pref(user, "learning") is None
    assert not NotificationPreference.objects.filter(user=user, channel="in_app").exists()
    # repeating it is harmless
    assert client.post(path_of(user, "community")).status_code == 200


def test_rfc8058_one_click_post_needs_no_csrf_token():
    user = UserFactory()
    mail_provider = Client(enforce_csrf_checks=True)
    response = mail_provider.post(
        path_of(user, "announcements"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert email_pref(user, "announcements") is False


def test_tampered_token_is_refused(client):
    user = UserFactory()
    victim = UserFactory()
    token = unsubscribe_token(user=user, category="community")
    # swap in another user's id: the signature no longer matches
    forged_payload = signing.dumps(
        {"u": victim.pk, "c": "community"}, salt=UNSUBSCRIBE_SALT, compress=True
    ).split(":")[0]
    forged = ":".join([forged_payload, *token.split(":")[1:]])
    for bad in (forged, token[:-2], token + "x", "not-a-token"):
        response = client.post(f"/notifications/unsubscribe/{bad}/")
        assert response.status_code == 400, bad
        assert "not valid" in response.content.decode()
    assert client.get(f"/notifications/unsubscribe/{forged}/").status_code == 400
    assert not NotificationPreference.objects.exists()


def test_token_signed_with_another_salt_is_refused(client):
    user = UserFactory()
    token = signing.dumps({"u": user.pk, "c": "community"}, salt="something.else", compress=True)
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 400


def test_expired_link_explains_and_links_to_preferences(client, settings, monkeypatch):
    settings.KALPLA_UNSUBSCRIBE_MAX_AGE_DAYS = 30
    user = UserFactory()
    # signed 31 days ago
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 31 * 24 * 3600)
    token = unsubscribe_token(user=user, category="community")
    monkeypatch.setattr(signing.time, "time", real_time)
    with pytest.raises(signing.SignatureExpired):
        unsubscribe_token_read(token)
    for method in (client.get, client.post):
        response = method(f"/notifications/unsubscribe/{token}/")
        assert response.status_code == 410
        body = response.content.decode()
        assert "expired" in body
        assert "/notifications/preferences/" in body
    assert email_pref(user, "community") is None


def test_link_just_inside_max_age_works(client, settings, monkeypatch):
    settings.KALPLA_UNSUBSCRIBE_MAX_AGE_DAYS = 30
    user = UserFactory()
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 29 * 24 * 3600)
    token = unsubscribe_token(user=user, category="community")
    monkeypatch.setattr(signing.time, "time", real_time)
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 200
    assert email_pref(user, "community") is False


def test_transactional_category_cannot_be_unsubscribed(client, monkeypatch):
    monkeypatch.setitem(CATEGORIES, "tests_security", "Security alerts")
    monkeypatch.setitem(
        KINDS,
        "tests.security_alert",
        Kind(name="tests.security_alert", category="tests_security", transactional=True),
    )
    user = UserFactory()
    response = client.post(path_of(user, "tests_security"))
    assert response.status_code == 400
    assert "cannot be turned off" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_digest_link_mutes_every_category_that_can_be_muted(client, monkeypatch):
    monkeypatch.setitem(CATEGORIES, "tests_security", "Security alerts")
    monkeypatch.setitem(
        KINDS,
        "tests.security_alert",
        Kind(name="tests.security_alert", category="tests_security", transactional=True),
    )
    user = UserFactory()
    assert client.post(path_of(user, "all")).status_code == 200
    muted = set(
        NotificationPreference.objects.filter(
            user=user, channel="email", enabled=False
        ).values_list("category", flat=True)
    )
    assert "tests_security" not in muted
    assert {"learning", "community", "announcements"} <= muted


def test_inactive_user_link_is_refused(client):
    user = UserFactory(is_active=False)
    assert client.post(path_of(user, "community")).status_code == 400


def test_unsubscribe_url_is_absolute(settings):
    settings.SITE_URL = "https://kalpla.example"
    user = UserFactory()
    url = unsubscribe_url(user=user, category="learning")
    assert url.startswith("https://kalpla.example/notifications/unsubscribe/")
    assert unsubscribe_token_read(url.rstrip("/").rsplit("/", 1)[1]).category == "learning"
