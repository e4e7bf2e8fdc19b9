"""Admin pages of the notifications app: bounded queries, filters, actions."""

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notifications.models import (
    Delivery,
    Device,
    EmailSuppression,
    Notification,
    NotificationPreference,
    NotificationSettings,
    PhoneNumber,
)
from notifications.services.push import device_register

pytestmark = pytest.mark.django_db

ROWS = 12


@pytest.fixture
def data(db):
    users = UserFactory.create_batch(ROWS)
    for n, user in enumerate(users):
        notification = Notification.objects.create(
            recipient=user,
            kind="announcements.general",
            category="announcements",
            title=f"News {n}",
            read_at=timezone.now() if n % 2 else None,
        )
        Delivery.objects.create(
            notification=notification,
            user=user,
            channel="email",
            status="sent",
            provider_message_id=f"ses-{n}",
        )
        Delivery.objects.create(user=user, channel="email", status="sent")  # a digest
        EmailSuppression.objects.create(email=user.email, active=bool(n % 2), reason="hard_bounce")
        NotificationPreference.objects.create(
            user=user, category="community", channel="sms", enabled=False
        )
        NotificationSettings.objects.create(user=user, digest="daily")
        PhoneNumber.objects.create(
            user=user, number=f"+9198765432{n:02d}", code_hash=f"secret-hash-{n}"
        )
        device_register(user=user, platform="fcm", token=f"token-{n}")
    return users


@pytest.mark.parametrize(
    "model",
    [
        "notification",
        "delivery",
        "emailsuppression",
        "notificationpreference",
        "notificationsettings",
        "phonenumber",
        "device",
    ],
)
def test_changelists_load_with_bounded_queries(
    client, admin_user, data, model, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get(f"/admin/notifications/{model}/")  # the session's first-request bookkeeping
    # A fixed ~15 (session, user, counts, one per filter, date hierarchy): an N+1 over the
    # ROWS rows would blow well past it.
    with django_assert_max_num_queries(16):
        response = client.get(f"/admin/notifications/{model}/")
    assert response.status_code == 200
    assert response.context["cl"].result_count >= ROWS


def test_change_pages_load(client, admin_user, data):
    client.force_login(admin_user)
    for obj in (
        Notification.objects.first(),
        Delivery.objects.first(),
        EmailSuppression.objects.first(),
        NotificationPreference.objects.first(),
        NotificationSettings.objects.first(),
        Device.objects.first(),
    ):
        url = f"/admin/notifications/{obj._meta.model_name}/{obj.pk}/change/"
        assert client.get(url).status_code == 200, url


def test_phone_number_page_never_shows_the_code_hash(client, admin_user, data):
    client.force_login(admin_user)
    phone = PhoneNumber.objects.first()
    for url in (
        "/admin/notifications/phonenumber/",
        f"/admin/notifications/phonenumber/{phone.pk}/change/",
    ):
        body = client.get(url).content.decode()
        assert "secret-hash" not in body and "code_hash" not in body


def test_filters_and_search(client, admin_user, data):
    client.force_login(admin_user)
    email = data[3].email
    found = client.get("/admin/notifications/notification/", {"q": email}).context["cl"]
    assert [n.recipient.email for n in found.result_list] == [email]
    unread = client.get("/admin/notifications/notification/", {"read": "no"}).context["cl"]
    assert unread.result_count == ROWS // 2
    by_id = client.get("/admin/notifications/delivery/", {"q": "ses-7"}).context["cl"]
    assert [d.provider_message_id for d in by_id.result_list] == ["ses-7"]
    sent_email = client.get(
        "/admin/notifications/delivery/", {"channel": "email", "status": "sent"}
    ).context["cl"]
    assert sent_email.result_count == 2 * ROWS
    active = client.get("/admin/notifications/emailsuppression/", {"active__exact": "1"})
    assert active.context["cl"].result_count == ROWS // 2


def test_lift_suppression_action(client, admin_user, data):
    client.force_login(admin_user)
    active = list(EmailSuppression.objects.filter(active=True)[:3])
    response = client.post(
        "/admin/notifications/emailsuppression/",
        {"action": "lift_suppression", "_selected_action": [s.pk for s in active]},
    )
    assert response.status_code == 302
    for suppression in EmailSuppression.objects.filter(pk__in=[s.pk for s in active]):
        assert suppression.active is False
        assert suppression.lifted_by == admin_user
        assert suppression.lifted_at is not None
    assert EmailSuppression.objects.filter(active=True).count() == ROWS // 2 - 3


def test_unregister_device_action(client, admin_user, data):
    client.force_login(admin_user)
    devices = list(Device.objects.all()[:2])
    client.post(
        "/admin/notifications/device/",
        {"action": "unregister_devices", "_selected_action": [d.pk for d in devices]},
    )
    assert not Device.objects.filter(pk__in=[d.pk for d in devices]).exists()
    assert Device.objects.count() == ROWS - 2


def test_admin_refuses_non_staff(client, student):
    client.force_login(student)
    response = client.get("/admin/notifications/delivery/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_can_suppress_an_address_by_hand(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/notifications/emailsuppression/add/",
        {"email": "Someone@Example.COM", "reason": "manual", "active": "on", "detail": "asked"},
    )
    assert response.status_code == 302
    assert EmailSuppression.objects.get().email == "someone@example.com"
    from notifications.services.suppression import email_is_suppressed

    assert email_is_suppressed(email="SOMEONE@example.com")
