"""Digest batching: non-urgent email of digest users goes out together at the digest hour."""

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest

from accounts.tests.factories import UserFactory
from notifications.models import Channel, Delivery, NotificationSettings
from notifications.services import delivery as delivery_service
from notifications.services.channels import SkipDelivery
from notifications.services.digest import digests_send
from notifications.services.notify import notify

pytestmark = pytest.mark.django_db

KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")
# Wednesday 25 November 2026; Monday is the 30th.
WEDNESDAY_0810_IST = datetime(2026, 11, 25, 8, 10, tzinfo=KOLKATA)
MONDAY_0810_IST = datetime(2026, 11, 30, 8, 10, tzinfo=KOLKATA)


@pytest.fixture
def emails(monkeypatch) -> list[int]:
    """A fake email channel sender: immediate emails, by delivery id."""
    calls: list[int] = []
    monkeypatch.setitem(
        delivery_service.CHANNEL_SENDERS, Channel.EMAIL, lambda d: calls.append(d.pk) or f"m-{d.pk}"
    )
    return calls


@pytest.fixture
def digests(monkeypatch) -> list[tuple[int, list[str]]]:
    """A fake digest sender recording (user id, notification titles)."""
    calls: list[tuple[int, list[str]]] = []

    def send(user, notifications):
        calls.append((user.pk, [n.title for n in notifications]))
        return f"digest-{user.pk}-{len(calls)}"

    monkeypatch.setattr("notifications.services.digest.DIGEST_SENDER", send)
    return calls


def digest_user(digest="daily", tz="Asia/Kolkata", last=None):
    user = UserFactory(timezone=tz)
    NotificationSettings.objects.create(user=user, digest=digest, last_digest_at=last)
    return user


def announce(user, title, capture, **kwargs):
    with capture(execute=True):
        return notify(
            recipients=[user],
            kind="announcements.general",
            context={"title": title, "message": "..."},
            **kwargs,
        )


def test_digest_batches_three_notifications_into_one_email(
    emails, digests, django_capture_on_commit_callbacks
):
    # given a daily-digest user and three non-urgent notifications
    user = digest_user()
    for title in ("One", "Two", "Three"):
        announce(user, title, django_capture_on_commit_callbacks)
    # then nothing is emailed right away
    assert emails == []
    assert set(Delivery.objects.filter(user=user).values_list("status", flat=True)) == {"digest"}

    # when the hourly beat runs before the digest hour, nothing goes out
    assert digests_send(now=WEDNESDAY_0810_IST - timedelta(hours=2)) == 0
    assert digests == []

    # when it runs at the user's digest hour (08:00 in Kolkata)
    assert digests_send(now=WEDNESDAY_0810_IST) == 1
    # then one digest lists all three, oldest first
    assert digests == [(user.pk, ["One", "Two", "Three"])]
    rows = Delivery.objects.filter(user=user)
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert set(rows.values_list("provider_message_id", flat=True)) == {f"digest-{user.pk}-1"}
    prefs = NotificationSettings.objects.get(user=user)
    assert prefs.last_digest_at == WEDNESDAY_0810_IST

    # and the next run an hour later sends nothing more
    announce(user, "Four", django_capture_on_commit_callbacks)
    assert digests_send(now=WEDNESDAY_0810_IST + timedelta(hours=1)) == 0
    assert len(digests) == 1
    # the next day it does
    assert digests_send(now=WEDNESDAY_0810_IST + timedelta(days=1)) == 1
    assert digests[-1] == (user.pk, ["Four"])


def test_digest_hour_is_local_to_each_user(digests, django_capture_on_commit_callbacks, emails):
    kolkata, new_york = digest_user(tz="Asia/Kolkata"), digest_user(tz="America/New_York")
    announce(kolkata, "For Kolkata", django_capture_on_commit_callbacks)
    announce(new_york, "For New York", django_capture_on_commit_callbacks)
    # 08:10 IST is 21:40 the day before in New York
    assert digests_send(now=WEDNESDAY_0810_IST) == 1
    assert digests == [(kolkata.pk, ["For Kolkata"])]
    # 08:10 EST
    assert digests_send(now=datetime(2026, 11, 25, 13, 10, tzinfo=UTC)) == 1
    assert digests[-1] == (new_york.pk, ["For New York"])


def test_weekly_digest_goes_out_on_mondays(digests, django_capture_on_commit_callbacks, emails):
    user = digest_user("weekly", last=datetime(2026, 11, 23, 2, 40, tzinfo=UTC))
    announce(user, "Weekly news", django_capture_on_commit_callbacks)
    assert digests_send(now=WEDNESDAY_0810_IST) == 0  # not Monday
    assert digests_send(now=MONDAY_0810_IST) == 1
    assert digests == [(user.pk, ["Weekly news"])]


def test_weekly_digest_not_twice_in_a_week(digests, django_capture_on_commit_callbacks, emails):
    user = digest_user("weekly", last=MONDAY_0810_IST - timedelta(hours=1))
    announce(user, "Too soon", django_capture_on_commit_callbacks)
    assert digests_send(now=MONDAY_0810_IST) == 0


def test_urgent_email_skips_the_digest(emails, digests, django_capture_on_commit_callbacks):
    user = digest_user()
    [n] = announce(user, "Urgent", django_capture_on_commit_callbacks, urgent=True)
    delivery = Delivery.objects.get(notification=n, channel=Channel.EMAIL)
    assert delivery.status == Delivery.Status.SENT and emails == [delivery.pk]


def test_digest_skipped_by_the_sender_is_recorded_not_retried(
    monkeypatch, django_capture_on_commit_callbacks, emails
):
    def refuse(user, notifications):
        raise SkipDelivery("suppressed", status=Delivery.Status.SUPPRESSED)

    monkeypatch.setattr("notifications.services.digest.DIGEST_SENDER", refuse)
    user = digest_user()
    announce(user, "Bounced", django_capture_on_commit_callbacks)
    assert digests_send(now=WEDNESDAY_0810_IST) == 0
    delivery = Delivery.objects.get(user=user)
    assert (delivery.status, delivery.error) == ("suppressed", "suppressed")


def test_digest_failure_for_one_user_does_not_stop_others(
    monkeypatch, django_capture_on_commit_callbacks, emails
):
    from kalpla.integrations.base import TransientIntegrationError

    first, second = digest_user(), digest_user()
    seen = []

    def flaky(user, notifications):
        seen.append(user.pk)
        if user.pk == first.pk:
            raise TransientIntegrationError("SES throttled")
        return "ok"

    monkeypatch.setattr("notifications.services.digest.DIGEST_SENDER", flaky)
    announce(first, "A", django_capture_on_commit_callbacks)
    announce(second, "B", django_capture_on_commit_callbacks)
    assert digests_send(now=WEDNESDAY_0810_IST) == 1
    assert sorted(seen) == sorted([first.pk, second.pk])
    assert Delivery.objects.get(user=first).status == "digest"  # waits for the next run
    assert Delivery.objects.get(user=second).status == "sent"
    # the run an hour later (still within the window) retries the first
    monkeypatch.setattr("notifications.services.digest.DIGEST_SENDER", lambda u, ns: "ok")
    assert digests_send(now=WEDNESDAY_0810_IST + timedelta(hours=1)) == 1
    assert Delivery.objects.get(user=first).status == "sent"


def test_digests_send_queries_are_bounded(
    digests, emails, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    users = [digest_user() for _ in range(10)]
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            notify(
                recipients=users,
                kind="announcements.general",
                context={"title": "Batch", "message": "..."},
            )
    # two reads, then per digest: lock, recheck, two updates (+ savepoint pair)
    with django_assert_max_num_queries(2 + 10 * 6):
        assert digests_send(now=WEDNESDAY_0810_IST) == 10
    assert all(len(titles) == 3 for _, titles in digests)
