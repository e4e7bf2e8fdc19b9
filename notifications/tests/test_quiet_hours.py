"""Quiet hours are local wall-clock times: non-urgent SMS and push wait until they end."""

import zoneinfo
from datetime import UTC, datetime, time

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notifications.models import (
    Channel,
    Delivery,
    Device,
    NotificationPreference,
    NotificationSettings,
    PhoneNumber,
)
from notifications.services import delivery as delivery_service
from notifications.services.delivery import deliveries_release_held
from notifications.services.notify import notify
from notifications.services.preferences import quiet_hours_end

pytestmark = pytest.mark.django_db

KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
ANNOUNCEMENT = {"title": "Exam week", "message": "The exam timetable is out."}


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, int]]:
    """Fake SMS and push senders recording (channel, delivery id)."""
    calls: list[tuple[str, int]] = []
    for channel in (Channel.SMS, Channel.PUSH, Channel.EMAIL):
        monkeypatch.setitem(
            delivery_service.CHANNEL_SENDERS,
            channel,
            lambda d, channel=channel: calls.append((channel, d.pk)) or f"{channel}-{d.pk}",
        )
    return calls


def reachable_user(tz: str, *, quiet=(time(22), time(7))) -> object:
    """A user with a verified phone, a device, SMS and push on, and quiet hours."""
    user = UserFactory(timezone=tz)
    PhoneNumber.objects.create(user=user, number="+919800000001", verified_at=timezone.now())
    Device.objects.create(
        user=user, platform="fcm", token=f"tok-{user.pk}", endpoint_id=f"arn:{user.pk}"
    )
    for category in ("announcements", "account"):
        NotificationPreference.objects.create(
            user=user, category=category, channel="sms", enabled=True
        )
        NotificationPreference.objects.create(
            user=user, category=category, channel="push", enabled=True
        )
    NotificationSettings.objects.create(user=user, quiet_start=quiet[0], quiet_end=quiet[1])
    return user


def deliveries(n) -> dict[str, Delivery]:
    return {d.channel: d for d in Delivery.objects.filter(notification=n)}


def test_quiet_hours_end_wraps_midnight_in_kolkata():
    at_23_ist = datetime(2026, 11, 25, 23, 0, tzinfo=KOLKATA)
    assert quiet_hours_end(start=time(22), end=time(7), zone=KOLKATA, now=at_23_ist) == datetime(
        2026, 11, 26, 1, 30, tzinfo=UTC
    )
    at_3_ist = datetime(2026, 11, 26, 3, 0, tzinfo=KOLKATA)
    assert quiet_hours_end(start=time(22), end=time(7), zone=KOLKATA, now=at_3_ist) == datetime(
        2026, 11, 26, 1, 30, tzinfo=UTC
    )
    at_noon = datetime(2026, 11, 26, 12, 0, tzinfo=KOLKATA)
    assert quiet_hours_end(start=time(22), end=time(7), zone=KOLKATA, now=at_noon) is None
    assert quiet_hours_end(start=None, end=None, zone=KOLKATA, now=at_23_ist) is None


def test_quiet_hours_end_same_day_window_and_release_hour_fallback(settings):
    settings.KALPLA_QUIET_HOURS_RELEASE_HOUR = 8
    at_14 = datetime(2026, 11, 25, 14, 0, tzinfo=KOLKATA)
    assert quiet_hours_end(start=time(13), end=time(15), zone=KOLKATA, now=at_14) == datetime(
        2026, 11, 25, 9, 30, tzinfo=UTC
    )
    assert (
        quiet_hours_end(start=time(13), end=time(15), zone=KOLKATA, now=at_14.replace(hour=15))
        is None
    )
    # a start without an end ends at the release hour
    at_23 = datetime(2026, 11, 25, 23, 0, tzinfo=KOLKATA)
    assert quiet_hours_end(start=time(21), end=None, zone=KOLKATA, now=at_23) == datetime(
        2026, 11, 26, 2, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("local_now", "release_utc"),
    [
        # winter: EST is UTC-5
        (datetime(2026, 1, 15, 23, 30, tzinfo=NEW_YORK), datetime(2026, 1, 16, 12, 0, tzinfo=UTC)),
        # summer: EDT is UTC-4
        (datetime(2026, 7, 15, 23, 30, tzinfo=NEW_YORK), datetime(2026, 7, 16, 11, 0, tzinfo=UTC)),
    ],
)
def test_quiet_hours_end_in_new_york_follows_daylight_saving(local_now, release_utc):
    assert quiet_hours_end(start=time(22), end=time(7), zone=NEW_YORK, now=local_now) == release_utc


def test_notify_holds_sms_and_push_in_quiet_hours_in_kolkata(
    sent, django_capture_on_commit_callbacks
):
    # given a user in Kolkata with quiet hours 22:00-07:00, at 23:00 IST
    user = reachable_user("Asia/Kolkata")
    now = datetime(2026, 11, 25, 23, 0, tzinfo=KOLKATA)
    # when a non-urgent announcement goes out
    with django_capture_on_commit_callbacks(execute=True):
        [n] = notify(recipients=[user], kind="announcements.general", context=ANNOUNCEMENT, now=now)
    # then SMS and push wait until 07:00 IST (01:30 UTC); email is not held
    by_channel = deliveries(n)
    release = datetime(2026, 11, 26, 1, 30, tzinfo=UTC)
    for channel in ("sms", "push"):
        assert by_channel[channel].status == Delivery.Status.HELD
        assert by_channel[channel].send_after == release
    assert by_channel["email"].status == Delivery.Status.SENT
    assert sent == [("email", by_channel["email"].pk)]


def test_notify_holds_in_new_york_until_local_morning(sent, django_capture_on_commit_callbacks):
    user = reachable_user("America/New_York", quiet=(time(21), time(8)))
    now = datetime(2026, 1, 15, 2, 30, tzinfo=UTC)  # 21:30 EST
    with django_capture_on_commit_callbacks(execute=True):
        [n] = notify(recipients=[user], kind="announcements.general", context=ANNOUNCEMENT, now=now)
    assert deliveries(n)["sms"].send_after == datetime(2026, 1, 15, 13, 0, tzinfo=UTC)  # 08:00 EST


def test_notify_outside_quiet_hours_sends_now(sent, django_capture_on_commit_callbacks):
    user = reachable_user("Asia/Kolkata")
    now = datetime(2026, 11, 25, 12, 0, tzinfo=KOLKATA)
    with django_capture_on_commit_callbacks(execute=True):
        [n] = notify(recipients=[user], kind="announcements.general", context=ANNOUNCEMENT, now=now)
    assert {d.status for d in deliveries(n).values()} == {Delivery.Status.SENT}
    assert sorted(channel for channel, _ in sent) == ["email", "push", "sms"]


def test_urgent_kinds_are_not_held(sent, django_capture_on_commit_callbacks):
    user = reachable_user("Asia/Kolkata")
    now = datetime(2026, 11, 25, 23, 0, tzinfo=KOLKATA)
    with django_capture_on_commit_callbacks(execute=True):
        [n] = notify(recipients=[user], kind="account.password_changed", now=now)
    assert n.urgent
    assert {c: d.status for c, d in deliveries(n).items()} == {
        "email": "sent",
        "sms": "sent",
        "push": "sent",
    }
    # and urgent=True makes any kind urgent for one call
    with django_capture_on_commit_callbacks(execute=True):
        [n] = notify(
            recipients=[user],
            kind="announcements.general",
            context=ANNOUNCEMENT,
            urgent=True,
            now=now,
        )
    assert deliveries(n)["sms"].status == Delivery.Status.SENT


def test_release_held_sends_once_time_has_passed(sent, django_capture_on_commit_callbacks):
    # given SMS and push held until 01:30 UTC
    kolkata_user = reachable_user("Asia/Kolkata")
    night = datetime(2026, 11, 25, 23, 0, tzinfo=KOLKATA)
    with django_capture_on_commit_callbacks(execute=True):
        [n] = notify(
            recipients=[kolkata_user], kind="announcements.general", context=ANNOUNCEMENT, now=night
        )
    sent.clear()

    # when the beat runs before the end of quiet hours nothing moves
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_release_held(now=datetime(2026, 11, 26, 1, 29, tzinfo=UTC)) == 0
    assert sent == []

    # then after it, both go out once
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_release_held(now=datetime(2026, 11, 26, 1, 31, tzinfo=UTC)) == 2
    assert sorted(channel for channel, _ in sent) == ["push", "sms"]
    assert {d.status for d in deliveries(n).values()} == {Delivery.Status.SENT}

    # and a later run sends nothing again
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_release_held(now=datetime(2026, 11, 26, 9, 0, tzinfo=UTC)) == 0
    assert len(sent) == 2


def test_sms_and_push_need_a_verified_phone_and_a_device(sent, django_capture_on_commit_callbacks):
    user = UserFactory()
    PhoneNumber.objects.create(user=user, number="+919800000002")  # not verified
    NotificationPreference.objects.create(
        user=user, category="announcements", channel="sms", enabled=True
    )
    NotificationPreference.objects.create(
        user=user, category="announcements", channel="push", enabled=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        [n] = notify(recipients=[user], kind="announcements.general", context=ANNOUNCEMENT)
    assert set(deliveries(n)) == {"email"}
