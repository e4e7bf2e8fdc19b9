"""SMS and push channels against SNS on moto; device clean-up; unregister on sign-out."""

import json
import re
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from kalpla.integrations import sns
from kalpla.integrations.aws import client as aws_client
from kalpla.integrations.base import TransientIntegrationError
from kalpla.models import OutboxMessage
from kalpla.testing.moto import moto_data
from notifications.models import Delivery, Device, Notification, PhoneNumber
from notifications.services import push as push_service
from notifications.services.delivery import delivery_send
from notifications.services.phone import phone_start, phone_verify
from notifications.tasks import clean_devices_task

pytestmark = pytest.mark.django_db

PHONE = "+919876543210"


@pytest.fixture
def fcm_app(aws, settings):
    arn = aws_client("sns").create_platform_application(
        Name="kalpla-android", Platform="GCM", Attributes={"PlatformCredential": "fcm-key"}
    )["PlatformApplicationArn"]
    settings.KALPLA_SNS_FCM_APPLICATION_ARN = arn
    return arn


def delivery(user, channel: str, **fields) -> Delivery:
    notification = Notification.objects.create(
        recipient=user,
        kind=fields.pop("kind", "account.welcome"),
        category="account",
        title=fields.pop("title", "Welcome"),
        body=fields.pop("body", "Your account is ready."),
        url="/",
    )
    return Delivery.objects.create(notification=notification, user=user, channel=channel)


def endpoint_messages(aws_url: str, endpoint_id: str) -> dict:
    [endpoint] = [
        e for e in moto_data(aws_url)["sns"]["PlatformEndpoint"] if e["arn"] == endpoint_id
    ]
    return endpoint["messages"]


def endpoint_gone(endpoint_id: str) -> bool:
    try:
        aws_client("sns").get_endpoint_attributes(EndpointArn=endpoint_id)
    except ClientError as exc:
        return exc.response["Error"]["Code"] == "NotFound"
    return False


def disable_endpoint(endpoint_id: str) -> None:
    aws_client("sns").set_endpoint_attributes(
        EndpointArn=endpoint_id, Attributes={"Enabled": "false"}
    )


# --- SMS -----------------------------------------------------------------------------------


def test_sms_goes_only_to_a_verified_number(aws):
    user = UserFactory()
    # no number, then an unverified one: skipped, nothing published
    assert delivery_send(delivery=delivery(user, "sms")).status == Delivery.Status.SKIPPED
    phone_start(user=user, number=PHONE)
    skipped = delivery_send(delivery=delivery(user, "sms"))
    assert skipped.status == Delivery.Status.SKIPPED
    assert "verified" in skipped.error
    [code_sms] = moto_data(aws)["sns"]["SMS"]
    # verified with the code SNS carried: now the notification is texted
    phone_verify(user=user, code=re.search(r"\d{6}", code_sms["message"]).group(0))
    sent = delivery_send(delivery=delivery(user, "sms", kind="account.unknown_kind"))
    assert sent.status == Delivery.Status.SENT
    assert sent.destination == PHONE
    texts = {s["message_id"]: s for s in moto_data(aws)["sns"]["SMS"]}
    assert texts[sent.provider_message_id]["phone_number"] == PHONE
    assert texts[sent.provider_message_id]["message"] == "Welcome"  # no sms.txt: the title


def test_sms_uses_the_kinds_sms_template_in_the_users_language(aws, settings, tmp_path):
    folder = tmp_path / "notifications" / "tests.sms_kind"
    folder.mkdir(parents=True)
    (folder / "sms.txt").write_text(
        '{% load i18n %}{% translate "Sign out" %} & {{ user.get_short_name }}', encoding="utf-8"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    user = UserFactory(language="hi", name="Asha Rao")
    PhoneNumber.objects.create(user=user, number=PHONE, verified_at=timezone.now())
    sent = delivery_send(delivery=delivery(user, "sms", kind="tests.sms_kind"))
    [sms] = moto_data(aws)["sns"]["SMS"]
    assert sms["message_id"] == sent.provider_message_id
    assert sms["message"] == "साइन आउट & Asha"


# --- push ----------------------------------------------------------------------------------


def test_push_to_every_enabled_device(fcm_app, aws):
    user = UserFactory()
    phone_a, _ = push_service.device_register(user=user, platform="fcm", token="token-a")
    phone_b, _ = push_service.device_register(user=user, platform="fcm", token="token-b")
    sent = delivery_send(
        delivery=delivery(user, "push", kind="tests.push", title="Graded", body="You got 9/10")
    )
    assert sent.status == Delivery.Status.SENT
    ids = sent.provider_message_id.split(",")
    assert len(ids) == 2
    for device in (phone_a, phone_b):
        messages = endpoint_messages(aws, device.endpoint_id)
        [(message_id, payload)] = messages.items()
        assert message_id in ids
        fcm = json.loads(json.loads(payload)["GCM"])["fcmV1Message"]["message"]
        assert fcm["notification"] == {"title": "Graded", "body": "You got 9/10"}
        assert fcm["data"]["notification_id"] == str(sent.notification_id)


def test_push_uses_the_kinds_templates(fcm_app, aws, settings, tmp_path):
    folder = tmp_path / "notifications" / "tests.push_kind"
    folder.mkdir(parents=True)
    (folder / "push_title.txt").write_text("Hi {{ user.get_short_name }} & co", encoding="utf-8")
    (folder / "push_body.txt").write_text("{{ notification.title }} <now>", encoding="utf-8")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    user = UserFactory(name="Asha Rao")
    device, _ = push_service.device_register(user=user, platform="fcm", token="token-a")
    delivery_send(delivery=delivery(user, "push", kind="tests.push_kind", title="Graded"))
    [payload] = endpoint_messages(aws, device.endpoint_id).values()
    fcm = json.loads(json.loads(payload)["GCM"])["fcmV1Message"]["message"]
    assert fcm["notification"] == {"title": "Hi Asha & co", "body": "Graded <now>"}


def test_disabled_endpoint_disables_the_device_and_the_others_still_get_it(fcm_app, aws):
    user = UserFactory()
    stale, _ = push_service.device_register(user=user, platform="fcm", token="stale")
    fresh, _ = push_service.device_register(user=user, platform="fcm", token="fresh")
    disable_endpoint(stale.endpoint_id)
    sent = delivery_send(delivery=delivery(user, "push"))
    assert sent.status == Delivery.Status.SENT
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.enabled, fresh.enabled) == (False, True)
    assert len(endpoint_messages(aws, fresh.endpoint_id)) == 1
    assert endpoint_messages(aws, stale.endpoint_id) == {}
    # the app registers the token again: the endpoint and the device come back
    again, created = push_service.device_register(user=user, platform="fcm", token="stale")
    assert (again.pk, created, again.enabled) == (stale.pk, False, True)


def test_all_devices_disabled_or_none_is_skipped(fcm_app, aws):
    user = UserFactory()
    assert delivery_send(delivery=delivery(user, "push")).status == Delivery.Status.SKIPPED
    device, _ = push_service.device_register(user=user, platform="fcm", token="stale")
    disable_endpoint(device.endpoint_id)
    skipped = delivery_send(delivery=delivery(user, "push"))
    assert skipped.status == Delivery.Status.SKIPPED
    device.refresh_from_db()
    assert device.enabled is False


def test_a_retry_does_not_push_twice_to_devices_already_reached(db, monkeypatch):
    user = UserFactory()
    first, _ = push_service.device_register(user=user, platform="fcm", token="first")
    second, _ = push_service.device_register(user=user, platform="fcm", token="second")
    local = sns.LocalMessenger()
    flaky = {"fail": True}

    class FlakyMessenger(sns.LocalMessenger):
        def push(self, *, endpoint_id, title, body, data=None):
            if endpoint_id == second.endpoint_id and flaky["fail"]:
                raise TransientIntegrationError("SNS throttled")
            return local.push(endpoint_id=endpoint_id, title=title, body=body, data=data)

    monkeypatch.setattr(push_service, "get_messenger", FlakyMessenger)
    row = delivery(user, "push")
    with pytest.raises(TransientIntegrationError):
        delivery_send(delivery=row)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Delivery.Status.QUEUED, 1)
    flaky["fail"] = False
    assert delivery_send(delivery=row).status == Delivery.Status.SENT
    pushes = OutboxMessage.objects.filter(channel="push")
    assert sorted(pushes.values_list("to", flat=True)) == sorted(
        [first.endpoint_id, second.endpoint_id]
    )


# --- clean-up and sign-out -----------------------------------------------------------------


def test_clean_devices_disables_then_deletes_after_a_day(fcm_app, aws):
    user = UserFactory()
    gone, _ = push_service.device_register(user=user, platform="fcm", token="gone")
    kept, _ = push_service.device_register(user=user, platform="fcm", token="kept")
    disable_endpoint(gone.endpoint_id)
    # first run: noticed and disabled, kept a day in case the app registers again
    assert clean_devices_task.delay().get() == {"disabled": 1, "deleted": 0}
    gone.refresh_from_db()
    assert gone.enabled is False
    # a day later: deleted, and its SNS endpoint too
    Device.objects.filter(pk=gone.pk).update(last_seen_at=timezone.now() - timedelta(days=2))
    assert clean_devices_task.delay().get() == {"disabled": 0, "deleted": 1}
    assert list(Device.objects.all()) == [kept]
    assert endpoint_gone(gone.endpoint_id)
    assert sns.get_messenger().endpoint_enabled(kept.endpoint_id)


def test_clean_devices_is_a_beat_task(settings):
    from kalpla.celery import app

    assert "notifications.clean_devices" in app.tasks
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "notifications.clean_devices" in tasks


def test_app_sign_out_with_the_device_token_unregisters_it(client, fcm_app, aws):
    user = UserFactory()
    device, _ = push_service.device_register(user=user, platform="fcm", token="my-phone")
    other, _ = push_service.device_register(user=user, platform="fcm", token="my-tablet")
    login = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    token = login.json()["meta"]["session_token"]
    client.delete(
        "/_allauth/app/v1/auth/session",
        headers={"X-Session-Token": token, "X-Device-Token": "my-phone"},
    )
    assert list(Device.objects.filter(user=user)) == [other]
    assert endpoint_gone(device.endpoint_id)


def test_site_sign_out_without_a_device_token_keeps_devices(client):
    user = UserFactory()
    push_service.device_register(user=user, platform="apns", token="phone")
    client.force_login(user)
    client.post("/accounts/logout/")
    assert Device.objects.filter(user=user).count() == 1
