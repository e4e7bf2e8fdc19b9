"""SNS message signatures on the SES event webhook (kalpla/sns_messages.py)."""

import base64
import json
import urllib.request

import pytest

from kalpla.integrations.sns_signatures import SnsSignatureError, sns_message_verify
from kalpla.testing.sns import TEST_CERT_URL, sns_sign
from notifications.email_events import EmailEvent

WEBHOOK = "/anymail/amazon_ses/tracking/"
SECRET = "kalpla-ses:correct-horse-battery-staple"
TOPIC = "arn:aws:sns:us-east-1:123456789012:kalpla-ses-events"


def _notification(recipient: str = "student@example.com", message_id: str = "m-1") -> dict:
    event = {
        "eventType": "Bounce",
        "mail": {
            "messageId": "0100-ses",
            "destination": [recipient],
            "timestamp": "2026-11-25T10:00:00.000Z",
        },
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": recipient}],
            "timestamp": "2026-11-25T10:00:01.000Z",
        },
    }
    return {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": TOPIC,
        "Message": json.dumps(event),
        "Timestamp": "2026-11-25T10:00:03.120Z",
    }


def _post(client, message: dict):
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()
    return client.post(
        WEBHOOK,
        data=json.dumps(message),
        content_type="text/plain; charset=UTF-8",
        HTTP_AUTHORIZATION=auth,
        HTTP_X_AMZ_SNS_MESSAGE_TYPE=message["Type"],
        HTTP_X_AMZ_SNS_MESSAGE_ID=message["MessageId"],
        HTTP_X_AMZ_SNS_TOPIC_ARN=TOPIC,
    )


@pytest.fixture
def events(settings, email_events_received) -> list[EmailEvent]:
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    return email_events_received


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the verifier must not fetch this certificate")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["1", "2"])
def test_signed_notification_is_accepted(client, events, version):
    response = _post(client, sns_sign(_notification(), version=version))
    assert response.status_code == 200
    assert [e.kind for e in events] == ["bounced"]


@pytest.mark.django_db
def test_tampered_message_is_refused(client, events):
    signed = sns_sign(_notification("student@example.com"))
    signed["Message"] = signed["Message"].replace("student@example.com", "victim@example.com")
    assert _post(client, signed).status_code == 400
    assert events == []


@pytest.mark.django_db
def test_unsigned_and_foreign_certificates_are_refused_without_fetching(client, events):
    unsigned = _notification()
    assert _post(client, unsigned).status_code == 400
    foreign = {**sns_sign(_notification()), "SigningCertURL": "https://evil.example/cert.pem"}
    assert _post(client, foreign).status_code == 400
    plain_http = {
        **sns_sign(_notification()),
        "SigningCertURL": TEST_CERT_URL.replace("https", "http"),
    }
    assert _post(client, plain_http).status_code == 400
    lookalike = {
        **sns_sign(_notification()),
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com.evil.example/x.pem",
    }
    assert _post(client, lookalike).status_code == 400
    assert events == []


@pytest.mark.django_db
def test_the_check_can_be_turned_off(client, events, settings):
    settings.KALPLA_SNS_VERIFY_SIGNATURES = False
    assert _post(client, _notification()).status_code == 200
    assert len(events) == 1


def test_verifier_rejects_unknown_versions_and_types():
    signed = sns_sign(_notification())
    with pytest.raises(SnsSignatureError, match="SignatureVersion"):
        sns_message_verify({**signed, "SignatureVersion": "3"})
    with pytest.raises(SnsSignatureError, match="not base64"):
        sns_message_verify({**signed, "Signature": "***"})
    with pytest.raises(SnsSignatureError, match="type"):
        sns_message_verify({**signed, "Type": "Surprise"})


def test_subscription_confirmation_signs_its_own_fields():
    confirmation = sns_sign(
        {
            "Type": "SubscriptionConfirmation",
            "MessageId": "c-1",
            "Token": "tok",
            "TopicArn": TOPIC,
            "Message": "You have chosen to subscribe.",
            "SubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription",
            "Timestamp": "2026-11-25T10:00:03.120Z",
        }
    )
    sns_message_verify(confirmation)
    with pytest.raises(SnsSignatureError):
        sns_message_verify({**confirmation, "Token": "other"})


@pytest.mark.django_db
def test_certificate_is_fetched_once_and_cached(monkeypatch):
    from django.core.cache import cache

    from kalpla.testing.sns import _key_and_pem

    signed = sns_sign(_notification())
    cache.clear()  # as if never seen: the verifier fetches it
    fetched: list[str] = []

    class Response:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self, limit):
            return _key_and_pem()[1]

    def fake_urlopen(url, timeout):
        fetched.append(url)
        return Response()

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    sns_message_verify(signed)
    sns_message_verify(signed)
    assert fetched == [TEST_CERT_URL]
