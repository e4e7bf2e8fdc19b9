"""notify(): in-app rows, channel planning, dedupe, delivery statuses, retries, account hooks."""

import time as clock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import transaction

from accounts.services import api_key_create, user_signup_complete
from accounts.tests.factories import PASSWORD, UserFactory
from jobs.retry import RetryPolicy
from kalpla.integrations.base import IntegrationError, TransientIntegrationError
from notifications.models import Channel, Delivery, Device, Notification, NotificationPreference
from notifications.services import delivery as delivery_service
from notifications.services.channels import SkipDelivery
from notifications.services.delivery import delivery_send
from notifications.services.notify import notify
from notifications.tasks import delivery_send_task

pytestmark = pytest.mark.django_db

ANNOUNCEMENT = {"title": "Exam week", "message": "The exam timetable is out."}


class FakeSender:
    """A channel sender that fails with the given errors first, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls: list[int] = []

    def __call__(self, delivery: Delivery) -> str:
        self.calls.append(delivery.pk)
        if self.errors:
            raise self.errors.pop(0)
        return f"msg-{delivery.pk}"


@pytest.fixture
def email_sender(monkeypatch) -> FakeSender:
    sender = FakeSender()
    monkeypatch.setitem(delivery_service.CHANNEL_SENDERS, Channel.EMAIL, sender)
    return sender


def announce(recipients, **kwargs):
    return notify(
        recipients=recipients, kind="announcements.general", context=ANNOUNCEMENT, **kwargs
    )


# --- notify ------------------------------------------------------------------------------


def test_notify_creates_one_inapp_notification_per_recipient(
    email_sender, django_capture_on_commit_callbacks
):
    alice, bob = UserFactory(name="Alice Rao"), UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notify(recipients=[alice, bob, alice], kind="account.welcome", url="/")
    assert [n.recipient for n in created] == [alice, bob]
    n = created[0]
    assert (n.kind, n.category, n.url, n.urgent, n.read_at) == (
        "account.welcome",
        "account",
        "/",
        False,
        None,
    )
    assert n.title == "Welcome to Kalpla, Alice"
    assert "Your account is ready" in n.body
    # email went out through the channel sender once the transaction committed
    assert callbacks
    assert Delivery.objects.filter(channel="email", status="sent").count() == 2
    assert len(email_sender.calls) == 2


def test_notify_renders_in_the_recipient_language(monkeypatch, settings):
    from django.template import loader
    from django.utils import translation

    languages = []

    def spy(name, context=None, *args, **kwargs):
        languages.append((context["user"].pk, translation.get_language()))
        return loader.render_to_string(name, context, *args, **kwargs)

    monkeypatch.setattr("notifications.services.notify.render_to_string", spy)
    hindi, default = UserFactory(language="hi"), UserFactory(language="")
    notify(recipients=[hindi, default], kind="account.welcome")
    # title and body each, in the recipient's language (or LANGUAGE_CODE)
    assert languages == [(hindi.pk, "hi")] * 2 + [(default.pk, settings.LANGUAGE_CODE)] * 2


def test_notify_context_is_stored_json_safe():
    from datetime import UTC, datetime

    user = UserFactory()
    [n] = notify(
        recipients=[user],
        kind="announcements.general",
        context={"title": "T", "message": "M", "when": datetime(2026, 1, 2, 3, 4, tzinfo=UTC)},
    )
    n.refresh_from_db()
    assert n.data == {"title": "T", "message": "M", "when": "2026-01-02T03:04:00Z"}


def test_notify_dedupe_key_is_idempotent(email_sender, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        [first] = announce([user], dedupe_key="exam-2026")
    with django_capture_on_commit_callbacks(execute=True):
        [again] = announce([user, UserFactory()], dedupe_key="exam-2026")[:1]
    assert again.pk == first.pk
    assert Notification.objects.filter(recipient=user).count() == 1
    assert Delivery.objects.filter(user=user).count() == 1
    assert len(email_sender.calls) == 2  # the first user's once, the new user's once


def test_notify_inactive_and_unknown_kind():
    assert notify(recipients=[UserFactory(is_active=False)], kind="account.welcome") == []
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notify(recipients=[UserFactory()], kind="nope.never")


def test_notify_inapp_off_stores_it_read_and_silent(
    email_sender, django_capture_on_commit_callbacks
):
    user = UserFactory()
    NotificationPreference.objects.create(
        user=user, category="announcements", channel="in_app", enabled=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        [n] = announce([user])
    assert n.read_at is not None  # in the history, not in the badge
    assert Delivery.objects.get(notification=n).channel == "email"


def test_notify_every_channel_off_stores_nothing():
    user = UserFactory()
    for channel in ("in_app", "email"):
        NotificationPreference.objects.create(
            user=user, category="announcements", channel=channel, enabled=False
        )
    assert announce([user]) == []
    assert not Notification.objects.exists()


def test_notify_to_30_recipients_has_bounded_queries(
    email_sender, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    users = [UserFactory() for _ in range(30)]
    for user in users[:10]:
        Device.objects.create(
            user=user, platform="fcm", token=f"t{user.pk}", endpoint_id=f"e{user.pk}"
        )
        NotificationPreference.objects.create(
            user=user, category="announcements", channel="push", enabled=True
        )
    with django_capture_on_commit_callbacks() as callbacks, django_assert_max_num_queries(12):
        created = announce(users, dedupe_key="bulk")
    assert len(created) == 30
    assert Delivery.objects.filter(channel="email").count() == 30
    assert Delivery.objects.filter(channel="push").count() == 10
    assert callbacks  # sends are queued on commit, not run inside notify()


def test_notify_queues_nothing_when_rolled_back(email_sender, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                announce([user])
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert email_sender.calls == []
    assert not Notification.objects.exists()


# --- delivery statuses and retries -------------------------------------------------------


def queued_email(user=None) -> Delivery:
    [n] = announce([user or UserFactory()])
    return Delivery.objects.get(notification=n, channel="email")


def test_delivery_send_records_sent(email_sender):
    delivery = delivery_send(delivery=queued_email())
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_message_id, delivery.attempts) == (
        "sent",
        f"msg-{delivery.pk}",
        1,
    )
    assert delivery.sent_at is not None


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (SkipDelivery("no verified phone"), "skipped"),
        (SkipDelivery("bounced before", status=Delivery.Status.SUPPRESSED), "suppressed"),
        (IntegrationError("invalid address"), "failed"),
        (KeyError("bug"), "failed"),
    ],
)
def test_delivery_send_records_skips_and_failures(monkeypatch, error, status):
    monkeypatch.setitem(delivery_service.CHANNEL_SENDERS, Channel.EMAIL, FakeSender(error))
    delivery = delivery_send(delivery=queued_email())
    delivery.refresh_from_db()
    assert delivery.status == status
    assert delivery.error
    assert delivery.provider_message_id == ""


def test_delivery_send_without_a_sender_is_skipped(monkeypatch):
    monkeypatch.delitem(delivery_service.CHANNEL_SENDERS, Channel.EMAIL, raising=False)
    delivery = delivery_send(delivery=queued_email())
    assert delivery.status == "skipped" and "No sender" in delivery.error


class RecordingPolicy(RetryPolicy):
    """The delivery policy without waiting, noting the attempt each backoff was asked for."""

    def __init__(self, waits):
        super().__init__(max_attempts=5, backoff_seconds=0)
        object.__setattr__(self, "waits", waits)

    def countdown(self, attempt):
        self.waits.append(attempt)
        return 0


def test_delivery_task_retries_transient_errors_with_backoff(monkeypatch):
    # given a sender that is throttled twice
    sender = FakeSender(TransientIntegrationError("throttled"), TransientIntegrationError("again"))
    monkeypatch.setitem(delivery_service.CHANNEL_SENDERS, Channel.EMAIL, sender)
    waits = []
    monkeypatch.setattr(delivery_service, "DELIVERY_RETRY", RecordingPolicy(waits))
    delivery = queued_email()
    # when the (eager) task runs
    delivery_send_task.delay(delivery_id=delivery.pk)
    # then it retried and sent on the third attempt
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert waits == [1, 2]
    assert len(sender.calls) == 3


def test_delivery_task_gives_up_after_five_attempts(monkeypatch):
    sender = FakeSender(*[TransientIntegrationError("down")] * 10)
    monkeypatch.setitem(delivery_service.CHANNEL_SENDERS, Channel.EMAIL, sender)
    monkeypatch.setattr(delivery_service, "DELIVERY_RETRY", RetryPolicy(backoff_seconds=0))
    delivery = queued_email()
    delivery_send_task.delay(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 5)
    assert "Gave up after 5 attempts" in delivery.error
    assert len(sender.calls) == 5


def test_delivery_task_is_idempotent(email_sender):
    delivery = queued_email()
    assert delivery_send_task.delay(delivery_id=delivery.pk).get() == "sent"
    assert delivery_send_task.delay(delivery_id=delivery.pk).get() == "sent"
    assert email_sender.calls == [delivery.pk]
    # a message id recorded by an earlier run that lost its status write is not re-sent
    Delivery.objects.filter(pk=delivery.pk).update(status="queued")
    delivery_send_task.delay(delivery_id=delivery.pk)
    assert email_sender.calls == [delivery.pk]
    assert delivery_send_task.delay(delivery_id=999999).get() == "missing"


def test_delivery_task_leaves_held_and_digest_alone(email_sender):
    delivery = queued_email()
    Delivery.objects.filter(pk=delivery.pk).update(status="held")
    assert delivery_send_task.delay(delivery_id=delivery.pk).get() == "held"
    assert email_sender.calls == []


@pytest.mark.django_db(transaction=True)
def test_delivery_task_retries_on_a_real_worker(celery_worker, monkeypatch):
    # given a sender throttled twice, and short backoffs
    sender = FakeSender(TransientIntegrationError("throttled"), TransientIntegrationError("again"))
    monkeypatch.setitem(delivery_service.CHANNEL_SENDERS, Channel.EMAIL, sender)
    monkeypatch.setattr(delivery_service, "DELIVERY_RETRY", RetryPolicy(backoff_seconds=0))
    # when notify() commits, the task goes through Redis to the worker
    [n] = announce([UserFactory()])
    delivery = Delivery.objects.get(notification=n, channel="email")
    deadline = clock.monotonic() + 30
    while clock.monotonic() < deadline:
        delivery.refresh_from_db()
        if delivery.status != "queued":
            break
        clock.sleep(0.2)
    # then it was sent on the third attempt, once
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert sender.calls == [delivery.pk] * 3


# --- the accounts app's kinds ------------------------------------------------------------


def test_signup_welcome_waits_for_a_verified_address(email_sender):
    user = UserFactory(verified=False)
    user_signup_complete(user=user)
    assert not Notification.objects.filter(recipient=user).exists()
    # a social sign-up arrives with a verified address
    verified = UserFactory()
    user_signup_complete(user=verified)
    user_signup_complete(user=verified)
    assert Notification.objects.filter(recipient=verified, kind="account.welcome").count() == 1


def test_welcome_after_confirming_the_signup_address(client, settings):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "neha@example.com",
            "name": "Neha",
            "password1": "a-long-secret-phrase",
            "password2": "a-long-secret-phrase",
        },
    )
    assert response.status_code == 302
    assert not Notification.objects.exists()
    assert len(mail.outbox) == 1  # only the confirmation
    import re

    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    client.post(link)
    assert EmailAddress.objects.get(email="neha@example.com").verified
    [n] = Notification.objects.all()
    assert (n.kind, n.title) == ("account.welcome", "Welcome to Kalpla, Neha")


def test_password_change_notifies(client, student):
    client.force_login(student)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-phrase-7",
            "password2": "another-long-phrase-7",
        },
    )
    assert response.status_code == 302
    [n] = Notification.objects.filter(recipient=student)
    assert (n.kind, n.urgent) == ("account.password_changed", True)


def test_api_key_created_notifies(student):
    api_key_create(user=student, name="Reporting")
    [n] = Notification.objects.filter(recipient=student)
    assert n.kind == "account.api_key_created"
    assert "Reporting" in n.title
    assert n.data["key_name"] == "Reporting"
    assert n.url == "/account/api-keys/"


# --- beat tasks --------------------------------------------------------------------------


def test_beat_schedule_names_registered_tasks(settings):
    from kalpla.celery import app

    app.loader.import_default_modules()
    mine = {"notifications.release_held", "notifications.send_digests"}
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert mine <= scheduled
    assert mine | {"notifications.delivery_send"} <= set(app.tasks)


def test_beat_tasks_run(email_sender, django_capture_on_commit_callbacks):
    from notifications.tasks import release_held_task, send_digests_task

    delivery = queued_email()
    Delivery.objects.filter(pk=delivery.pk).update(status="held", send_after="2020-01-01T00:00Z")
    with django_capture_on_commit_callbacks(execute=True):
        assert release_held_task.delay().get() == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert send_digests_task.delay().get() == 0
