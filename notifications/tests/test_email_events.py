from datetime import UTC, datetime

import pytest
from django.core import mail

from kalpla.integrations.aws import client as aws_client
from kalpla.integrations.base import IntegrationError, TransientIntegrationError
from kalpla.integrations.ses import EmailRejected, email_send
from kalpla.testing.moto import moto_data
from kalpla.testing.ses import ses_verify_sender
from notifications.email_events import EmailEvent
from notifications.tests.ses_events import (
    SECRET,
    SENDER,
    bounce,
    complaint,
    delivered,
    post_ses_event,
    ses_event,
)

SES_BACKEND = "anymail.backends.amazon_ses.EmailBackend"


@pytest.fixture
def ses(aws, settings):
    settings.EMAIL_BACKEND = SES_BACKEND
    settings.KALPLA_EMAIL_BACKEND = "ses"
    settings.DEFAULT_FROM_EMAIL = f"Kalpla <{SENDER}>"
    return aws


@pytest.fixture
def events(email_events_received) -> list[EmailEvent]:
    return email_events_received


# --- sending -------------------------------------------------------------------------------


def test_email_send_with_a_django_backend_generates_the_message_id(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = email_send(
        to=["student@example.com"],
        subject="Welcome",
        text="Hello",
        html="<p>Hello</p>",
        reply_to=["help@kalpla.example"],
        headers={"List-Unsubscribe": "<https://kalpla.example/u/abc>"},
    )
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == result.message_id
    assert result.message_id.startswith("<") and result.message_id.endswith(">")
    assert result.recipients == {"student@example.com": "sent"}
    assert sent.alternatives[0][1] == "text/html"
    assert sent.reply_to == ["help@kalpla.example"]
    assert "List-Unsubscribe: <https://kalpla.example/u/abc>" in sent.message().as_string()


def test_email_send_with_the_file_backend_writes_the_message(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    result = email_send(to=["student@example.com"], subject="Welcome", text="Hello")
    [written] = list(tmp_path.iterdir())
    content = written.read_text()
    assert f"Message-ID: {result.message_id}" in content
    assert "@kalpla.example>" in result.message_id
    assert result.provider == "filebased"


def test_email_send_through_anymail_ses_is_recorded_by_moto(ses):
    # given a verified sender
    identity = ses_verify_sender(SENDER)
    assert identity.address == SENDER
    # when
    result = email_send(
        to=["student@example.com"],
        subject="Your grade is ready",
        text="You scored 9/10.",
        html="<p>You scored <b>9/10</b>.</p>",
        headers={"List-Unsubscribe": "<https://kalpla.example/u/abc>"},
        tags=["grading"],
        metadata={"notification_id": 42},
    )
    # then SES (moto) accepted it under the message id anymail reported
    assert result.provider == "Amazon SES"
    assert result.recipients == {"student@example.com": "queued"}
    [raw] = [m for m in moto_data(ses)["ses"]["RawMessage"] if m["id"] == result.message_id]
    assert raw["source"] == SENDER
    assert "student@example.com" in raw["destinations"]
    assert "Subject: Your grade is ready" in raw["raw_data"]
    assert "List-Unsubscribe: <https://kalpla.example/u/abc>" in raw["raw_data"]
    assert "text/html" in raw["raw_data"]


def test_ses_verify_sender_can_be_repeated(ses):
    first = ses_verify_sender(SENDER)
    second = ses_verify_sender(SENDER)
    assert first.address == second.address == SENDER
    listed = aws_client("sesv2").list_email_identities()["EmailIdentities"]
    assert [i["IdentityName"] for i in listed] == [SENDER]


def test_email_from_an_unverified_sender_is_rejected(ses):
    with pytest.raises(EmailRejected, match="Did not have authority"):
        email_send(to=["student@example.com"], subject="Hi", text="Hi")
    assert moto_data(ses)["ses"]["RawMessage"] == []


def test_ses_unreachable_is_transient(settings):
    settings.EMAIL_BACKEND = SES_BACKEND
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "AMAZON_SES_CLIENT_PARAMS": {
            "endpoint_url": "http://127.0.0.1:1",
            "region_name": "us-east-1",
            "aws_access_key_id": "x",
            "aws_secret_access_key": "y",
            "config": {"retries": {"max_attempts": 1}, "connect_timeout": 1},
        },
    }
    with pytest.raises(TransientIntegrationError):
        email_send(to=["student@example.com"], subject="Hi", text="Hi")


def test_email_send_needs_a_recipient():
    with pytest.raises(IntegrationError):
        email_send(to=[], subject="Hi", text="Hi")


# --- the SES event webhook -----------------------------------------------------------------


@pytest.mark.django_db
def test_webhook_refuses_unauthenticated_posts_with_the_default_settings(client, events):
    # no settings override: whatever settings.py does when ANYMAIL_WEBHOOK_SECRET is unset
    response = post_ses_event(client, bounce("student@example.com", "0100-msg"), credentials=None)
    assert response.status_code == 401
    assert events == []
    # also a notification that carries no event at all
    subscribe_ok = {
        "Type": "Notification",
        "MessageId": "m-1",
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:ses-events",
        "Message": "Successfully validated SNS topic for Amazon SES event publishing.",
        "Timestamp": "2026-11-25T10:00:00.000Z",
    }
    assert post_ses_event(client, subscribe_ok, credentials=None).status_code == 401


@pytest.mark.django_db
def test_webhook_refuses_everyone_when_the_secret_is_explicitly_unset(client, settings, events):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": None}
    response = post_ses_event(
        client, bounce("student@example.com", "0100-msg"), credentials="any:thing"
    )
    assert response.status_code == 400
    assert events == []


@pytest.mark.django_db
def test_webhook_asks_sns_for_credentials_and_refuses_wrong_ones(client, settings, events):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    no_credentials = post_ses_event(
        client, bounce("student@example.com", "0100-msg"), credentials=None
    )
    assert no_credentials.status_code == 401
    assert no_credentials["WWW-Authenticate"].startswith("Basic")
    wrong = post_ses_event(
        client, bounce("student@example.com", "0100-msg"), credentials="kalpla-ses:guess"
    )
    assert wrong.status_code == 400
    assert events == []


@pytest.mark.django_db
def test_webhook_hard_bounce_reaches_the_handlers(client, settings, events):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    response = post_ses_event(
        client, bounce("gone@example.com", "0100-bounced-msg", metadata={"notification_id": 42})
    )
    assert response.status_code == 200
    [event] = events
    assert (event.kind, event.bounce) == ("bounced", "hard")
    assert event.recipient == "gone@example.com"
    assert event.message_id == "0100-bounced-msg"
    assert event.timestamp == datetime(2026, 11, 25, 10, 0, 3, 120000, tzinfo=UTC)
    assert event.metadata == {"notification_id": 42}
    assert "550 5.1.1" in event.mta_response
    assert event.esp == "Amazon SES" and event.event_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("published", "kind", "bounce"),
    [
        (bounce("a@example.com", "m1", bounce_type="Transient"), "bounced", "soft"),
        (bounce("a@example.com", "m1", bounce_type="Undetermined"), "bounced", "soft"),
        (complaint("a@example.com", "m1"), "complained", None),
        (delivered("a@example.com", "m1"), "delivered", None),
        (
            ses_event("Reject", "a@example.com", "m1", reject={"reason": "Bad content"}),
            "rejected",
            None,
        ),
    ],
)
def test_webhook_normalises_ses_events(client, settings, events, published, kind, bounce):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    response = post_ses_event(client, published)
    assert response.status_code == 200
    [event] = events
    assert (event.kind, event.bounce, event.recipient) == (kind, bounce, "a@example.com")


@pytest.mark.django_db
def test_only_the_ses_tracking_webhook_is_routed(client):
    # the other ESPs' anymail webhooks answered 500 (their settings are missing)
    for url in ("/anymail/mailgun/tracking/", "/anymail/brevo/inbound/", "/anymail/postal/"):
        assert client.get(url).status_code == 404
    assert client.post("/anymail/amazon_ses/tracking/", {}).status_code == 401
