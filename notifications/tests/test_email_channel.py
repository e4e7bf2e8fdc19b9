"""The email channel: layout, language, headers, SES through anymail against moto."""

import re
from email import message_from_string
from email.policy import default as default_policy

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from kalpla.testing.moto import moto_data
from kalpla.testing.ses import ses_verify_sender
from notifications.kinds import KINDS, Kind
from notifications.models import Delivery, EmailSuppression, Notification, NotificationPreference
from notifications.services import digest
from notifications.services.channels import SkipDelivery
from notifications.services.delivery import delivery_send
from notifications.services.email import email_deliver, email_digest_send
from notifications.tests.ses_events import bounce, post_ses_event

pytestmark = pytest.mark.django_db

SENDER = "no-reply@kalpla.example"
KIND = "tests.email_channel"
SECURITY_KIND = "tests.email_security"
UNSUBSCRIBE_URL = re.compile(r"https?://[^\s<>\"]+/notifications/unsubscribe/[^/\s<>\"]+/")

KIND_TEMPLATES = {
    # {% translate "Sign out" %} is in the Hindi catalogue: proves the recipient's language.
    "subject.txt": '{% load i18n %}{% translate "Sign out" %}: {{ course }} & more',
    "body.txt": "Hello {{ user.get_short_name }}, {{ course }} & friends start today.",
    "body.html": "<p>Hello {{ user.get_short_name }}, <b>{{ course }}</b> starts today.</p>",
}


@pytest.fixture
def kind_templates(settings, tmp_path):
    """A test-only kind with its own templates, found before the project's."""
    folder = tmp_path / "notifications" / KIND
    folder.mkdir(parents=True)
    for name, text in KIND_TEMPLATES.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    KINDS[KIND] = Kind(name=KIND, category="learning")
    KINDS[SECURITY_KIND] = Kind(name=SECURITY_KIND, category="account", transactional=True)
    yield
    KINDS.pop(KIND, None)
    KINDS.pop(SECURITY_KIND, None)


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = f"Kalpla <{SENDER}>"
    settings.SITE_URL = "https://kalpla.example"


@pytest.fixture
def ses(aws, settings):
    settings.EMAIL_BACKEND = "anymail.backends.amazon_ses.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = f"Kalpla <{SENDER}>"
    settings.SITE_URL = "https://kalpla.example"
    ses_verify_sender(SENDER)
    return aws


def email_delivery(user, *, kind: str = KIND, category: str = "learning", **fields) -> Delivery:
    notification = Notification.objects.create(
        recipient=user,
        kind=kind,
        category=category,
        title=fields.pop("title", "Python 101 starts"),
        body=fields.pop("body", "Python 101 starts today."),
        url=fields.pop("url", "/courses/python-101/"),
        data=fields.pop("data", {"course": "Python 101"}),
    )
    return Delivery.objects.create(notification=notification, user=user, channel="email")


# --- SES through anymail, recorded by moto -------------------------------------------------


def test_email_through_ses_carries_list_unsubscribe(ses, kind_templates, client, settings):
    settings.KALPLA_REPLY_TO_EMAIL = "help@kalpla.example"
    user = UserFactory()
    # when
    delivery = delivery_send(delivery=email_delivery(user))
    # then SES (moto) has the message under the id we stored
    assert delivery.status == Delivery.Status.SENT
    assert delivery.destination == user.email
    [raw] = [
        m for m in moto_data(ses)["ses"]["RawMessage"] if m["id"] == delivery.provider_message_id
    ]
    assert raw["source"] == SENDER
    assert user.email in raw["destinations"]
    message = message_from_string(raw["raw_data"], policy=default_policy)
    assert message["Reply-To"] == "help@kalpla.example"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [url] = UNSUBSCRIBE_URL.findall(str(message["List-Unsubscribe"]))
    # (folded onto its own line: the value is longer than a header line should be)
    assert str(message["List-Unsubscribe"]).strip() == f"<{url}>"
    assert url.startswith("https://kalpla.example/notifications/unsubscribe/")
    # the same link is in the footer of both parts
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert url in text and url in html
    assert "Python 101 & friends start today." in text  # plain text is not HTML-escaped
    assert "<b>Python 101</b>" in html and "https://kalpla.example/courses/python-101/" in html
    # and the link works: the one-click POST turns the category's email off
    path = url.removeprefix("https://kalpla.example")
    response = client.post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    pref = NotificationPreference.objects.get(user=user, category="learning", channel="email")
    assert pref.enabled is False


def test_hard_bounce_through_the_webhook_then_next_email_is_suppressed(
    ses, kind_templates, client, settings
):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "kalpla-ses:test-webhook-secret"}
    user = UserFactory()
    first = delivery_send(delivery=email_delivery(user))
    assert first.status == Delivery.Status.SENT
    # SES reports the SES message id it gave us; the webhook finds the delivery by it
    response = post_ses_event(client, bounce(user.email, first.provider_message_id))
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.status == Delivery.Status.BOUNCED
    assert EmailSuppression.objects.get(email=user.email).active
    second = delivery_send(delivery=email_delivery(user))
    assert second.status == Delivery.Status.SUPPRESSED
    assert [m["id"] for m in moto_data(ses)["ses"]["RawMessage"]] == [first.provider_message_id]


# --- rendering -----------------------------------------------------------------------------


def test_email_in_the_recipients_language(locmem, kind_templates):
    user = UserFactory(language="hi")
    delivery_send(delivery=email_delivery(user))
    [sent] = mail.outbox
    assert sent.subject == "साइन आउट: Python 101 & more"
    html = sent.alternatives[0][0]
    assert '<html lang="hi">' in html
    assert "Kalpla" in html and "https://kalpla.example/notifications/unsubscribe/" in html


def test_email_in_english_by_default(locmem, kind_templates):
    user = UserFactory(language="")
    delivery_send(delivery=email_delivery(user))
    [sent] = mail.outbox
    assert sent.subject == "Sign out: Python 101 & more"
    assert '<html lang="en">' in sent.alternatives[0][0]
    assert sent.from_email == "Kalpla <no-reply@kalpla.example>"
    assert sent.reply_to == []


def test_missing_templates_fall_back_to_title_and_body(locmem):
    user = UserFactory()
    delivery = email_delivery(
        user,
        kind="announcements.unknown",
        category="announcements",
        title="Maintenance <tonight>",
        body="We upgrade the servers.\nBack at 2am.",
    )
    delivery_send(delivery=delivery)
    [sent] = mail.outbox
    assert sent.subject == "Maintenance <tonight>"
    assert "We upgrade the servers." in sent.body
    html = sent.alternatives[0][0]
    assert "Back at 2am." in html and "&lt;" not in sent.subject
    assert "List-Unsubscribe" in sent.extra_headers


def test_transactional_email_has_no_unsubscribe(locmem, kind_templates):
    user = UserFactory()
    delivery_send(delivery=email_delivery(user, kind=SECURITY_KIND, category="account"))
    [sent] = mail.outbox
    assert "List-Unsubscribe" not in sent.extra_headers
    assert "/notifications/unsubscribe/" not in sent.body
    assert "sent whatever your notification settings" in sent.body


def test_unverified_address_is_skipped(locmem, kind_templates):
    user = UserFactory(verified=False)
    delivery = delivery_send(delivery=email_delivery(user))
    assert delivery.status == Delivery.Status.SKIPPED
    assert "not verified" in delivery.error
    assert mail.outbox == []


def test_suppressed_address_is_suppressed(locmem, kind_templates):
    user = UserFactory()
    EmailSuppression.objects.create(email=user.email, active=True, reason="complaint")
    delivery = delivery_send(delivery=email_delivery(user))
    assert delivery.status == Delivery.Status.SUPPRESSED
    assert mail.outbox == []


def test_sender_returns_the_stored_id_instead_of_sending_twice(locmem, kind_templates):
    delivery = email_delivery(UserFactory())
    delivery.provider_message_id = "<already@kalpla.example>"
    assert email_deliver(delivery) == "<already@kalpla.example>"
    assert mail.outbox == []


# --- digest --------------------------------------------------------------------------------


def test_digest_lists_notifications_with_links(locmem):
    user = UserFactory()
    notifications = [
        Notification.objects.create(
            recipient=user,
            kind="announcements.general",
            category="announcements",
            title=f"Update {n}",
            body=f"Details {n}",
            url=f"/courses/{n}/",
        )
        for n in (1, 2)
    ]
    assert digest.DIGEST_SENDER is email_digest_send
    message_id = email_digest_send(user, notifications)
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == message_id
    assert "2 new notifications" in sent.subject
    for n in (1, 2):
        assert f"Update {n}" in sent.body
        assert f"https://kalpla.example/courses/{n}/" in sent.body
        assert f"https://kalpla.example/courses/{n}/" in sent.alternatives[0][0]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_digest_to_a_suppressed_address_is_skipped(locmem):
    user = UserFactory()
    EmailSuppression.objects.create(email=user.email, active=True, reason="hard_bounce")
    notification = Notification.objects.create(
        recipient=user, kind="announcements.general", category="announcements", title="x"
    )
    with pytest.raises(SkipDelivery) as info:
        email_digest_send(user, [notification])
    assert info.value.status == Delivery.Status.SUPPRESSED
    assert mail.outbox == []
