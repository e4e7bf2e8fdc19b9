"""Factories of the notifications app: what was said, how it was delivered, user choices."""

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notifications.models import (
    Channel,
    Delivery,
    Device,
    EmailSuppression,
    Notification,
    NotificationPreference,
    NotificationSettings,
    PhoneNumber,
)


class NotificationFactory(factory.django.DjangoModelFactory):
    """An unread in-app notification written straight to the table (no deliveries, no push).

    Use ``notifications.services.notify.notify`` when a test needs the channels to run.
    """

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "announcements.general"
    category = "announcements"
    title = factory.Sequence(lambda n: f"Notice {n}")
    body = "Something happened."
    url = "/courses/"


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    category = "announcements"
    channel = Channel.EMAIL
    enabled = False


class NotificationSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationSettings
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    notification = factory.SubFactory(NotificationFactory)
    user = factory.SelfAttribute("notification.recipient")
    channel = Channel.EMAIL
    destination = factory.SelfAttribute("user.email")


class EmailSuppressionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailSuppression

    email = factory.Sequence(lambda n: f"bounced{n}@example.com")
    reason = EmailSuppression.Reason.HARD_BOUNCE
    active = True


class PhoneNumberFactory(factory.django.DjangoModelFactory):
    """A verified phone number (``verified_at=None`` for one still waiting for its code)."""

    class Meta:
        model = PhoneNumber

    user = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: f"+9198{n:08d}")
    verified_at = factory.LazyFunction(timezone.now)


class DeviceFactory(factory.django.DjangoModelFactory):
    """A registered push device; the endpoint is the local messaging backend's kind."""

    class Meta:
        model = Device

    user = factory.SubFactory(UserFactory)
    platform = Device.Platform.FCM
    token = factory.Sequence(lambda n: f"device-token-{n}")
    endpoint_id = factory.Sequence(lambda n: f"local:endpoint/{n}")
