"""Bounces and complaints from SES (through anymail's real tracking webhook) stop email."""

import uuid

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from notifications.email_events import EmailEvent
from notifications.models import Delivery, EmailSuppression, Notification
from notifications.services.delivery import delivery_send
from notifications.services.suppression import (
    email_event_record,
    email_is_suppressed,
    suppression_add,
    suppression_lift,
)
from notifications.tests.ses_events import (
    SECRET,
    WEBHOOK,
    bounce,
    complaint,
    delivered,
    post_ses_event,
    sns_body,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def webhook(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def sent_delivery(user, message_id: str, **fields) -> Delivery:
    notification = Notification.objects.create(
        recipient=user, kind="announcements.general", category="announcements", title="News"
    )
    return Delivery.objects.create(
        notification=notification,
        user=user,
        channel="email",
        status=fields.pop("status", Delivery.Status.SENT),
        provider_message_id=message_id,
        destination=user.email,
        **fields,
    )


def queued_email(user) -> Delivery:
    notification = Notification.objects.create(
        recipient=user,
        kind="announcements.general",
        category="announcements",
        title="Course week 2",
        body="New lessons are up.",
    )
    return Delivery.objects.create(notification=notification, user=user, channel="email")


# --- through the webhook -------------------------------------------------------------------


def test_hard_bounce_suppresses_and_the_next_email_is_not_sent(client, webhook, locmem):
    # given an email that went out
    user = UserFactory()
    first = delivery_send(delivery=queued_email(user))
    assert first.status == Delivery.Status.SENT
    assert len(mail.outbox) == 1
    # when SES reports a hard bounce for it
    response = post_ses_event(client, bounce(user.email, first.provider_message_id))
    assert response.status_code == 200
    # then the delivery is bounced and the address suppressed
    first.refresh_from_db()
    assert first.status == Delivery.Status.BOUNCED
    assert "hard" in first.error and "550 5.1.1" in first.error
    suppression = EmailSuppression.objects.get(email=user.email)
    assert (suppression.active, suppression.reason) == (True, "hard_bounce")
    # and the next email to that address is suppressed, not sent
    second = delivery_send(delivery=queued_email(user))
    assert second.status == Delivery.Status.SUPPRESSED
    assert len(mail.outbox) == 1


def test_complaint_suppresses(client, webhook):
    user = UserFactory()
    delivery = sent_delivery(user, "0100-complained")
    assert post_ses_event(client, complaint(user.email, "0100-complained")).status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.COMPLAINED
    suppression = EmailSuppression.objects.get(email=user.email)
    assert (suppression.active, suppression.reason) == (True, "complaint")


def test_delivery_event_marks_delivered_and_does_not_suppress(client, webhook):
    user = UserFactory()
    delivery = sent_delivery(user, "0100-ok")
    assert post_ses_event(client, delivered(user.email, "0100-ok")).status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert not email_is_suppressed(email=user.email)
    assert not EmailSuppression.objects.filter(email=user.email, active=True).exists()


def test_late_delivery_event_does_not_hide_a_bounce(client, webhook):
    user = UserFactory()
    delivery = sent_delivery(user, "0100-x")
    post_ses_event(client, bounce(user.email, "0100-x"))
    post_ses_event(client, delivered(user.email, "0100-x"))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.BOUNCED


def test_soft_bounces_count_to_the_limit_and_redelivery_is_not_counted(client, webhook, settings):
    settings.KALPLA_SOFT_BOUNCE_LIMIT = 3
    user = UserFactory()
    # two soft bounces: counted, not suppressed
    post_ses_event(client, bounce(user.email, "m-1", bounce_type="Transient"))
    sns_id = str(uuid.uuid4())
    post_ses_event(client, bounce(user.email, "m-2", bounce_type="Transient"), sns_id)
    suppression = EmailSuppression.objects.get(email=user.email)
    assert (suppression.soft_bounces, suppression.active) == (2, False)
    # SNS delivers the second notification again (same SNS message id): not counted twice
    assert (
        post_ses_event(
            client, bounce(user.email, "m-2", bounce_type="Transient"), sns_id
        ).status_code
        == 200
    )
    suppression.refresh_from_db()
    assert (suppression.soft_bounces, suppression.active) == (2, False)
    # the third distinct soft bounce reaches the limit
    post_ses_event(client, bounce(user.email, "m-3", bounce_type="Transient"))
    suppression.refresh_from_db()
    assert (suppression.soft_bounces, suppression.active) == (3, True)
    assert suppression.reason == "soft_bounces"


def test_a_delivered_message_restarts_the_soft_bounce_count(client, webhook, settings):
    settings.KALPLA_SOFT_BOUNCE_LIMIT = 2
    user = UserFactory()
    sent_delivery(user, "m-ok")
    post_ses_event(client, bounce(user.email, "m-1", bounce_type="Transient"))
    post_ses_event(client, delivered(user.email, "m-ok"))
    post_ses_event(client, bounce(user.email, "m-2", bounce_type="Transient"))
    suppression = EmailSuppression.objects.get(email=user.email)
    assert (suppression.soft_bounces, suppression.active) == (1, False)


def test_unauthenticated_webhook_posts_change_nothing(client, webhook):
    user = UserFactory()
    body, headers = sns_body(bounce(user.email, "m-1"))
    response = client.post(WEBHOOK, data=body, content_type="text/plain", **headers)
    assert response.status_code == 401
    assert not EmailSuppression.objects.exists()


# --- the handler and services --------------------------------------------------------------


def test_a_failing_event_is_handled_again_when_sns_redelivers_it(monkeypatch, settings):
    settings.KALPLA_SOFT_BOUNCE_LIMIT = 5
    event = EmailEvent(
        kind="bounced", recipient="Flaky@Example.com", message_id="m", bounce="soft", event_id="e1"
    )
    from notifications.services import suppression as service

    real = service.email_event_apply
    calls = {"n": 0}

    def fail_once(e: EmailEvent) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database hiccup")
        real(e)

    monkeypatch.setattr(service, "email_event_apply", fail_once)
    with pytest.raises(RuntimeError):
        email_event_record(event)
    email_event_record(event)  # SNS retries after our 500
    email_event_record(event)  # and once more: already handled
    assert EmailSuppression.objects.get(email="flaky@example.com").soft_bounces == 1


def test_one_sns_message_with_several_recipients_counts_each(settings):
    for recipient in ("a@example.com", "b@example.com"):
        email_event_record(
            EmailEvent(
                kind="bounced", recipient=recipient, message_id="m", bounce="soft", event_id="same"
            )
        )
    assert set(EmailSuppression.objects.values_list("email", "soft_bounces")) == {
        ("a@example.com", 1),
        ("b@example.com", 1),
    }


def test_lifting_a_suppression_lets_email_through_again(locmem, admin_user):
    user = UserFactory()
    suppression = suppression_add(email=user.email.upper(), reason="hard_bounce")
    assert email_is_suppressed(email=user.email)
    assert delivery_send(delivery=queued_email(user)).status == Delivery.Status.SUPPRESSED
    lifted = suppression_lift(suppression=suppression, by=admin_user)
    assert (lifted.active, lifted.lifted_by, lifted.soft_bounces) == (False, admin_user, 0)
    assert lifted.lifted_at is not None
    assert delivery_send(delivery=queued_email(user)).status == Delivery.Status.SENT
    assert len(mail.outbox) == 1
