"""Session reminders: 24 hours and 15 minutes before, to both people, each exactly once."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from mentorship.models import MentorSession
from mentorship.services.calendar import session_reminders_send
from mentorship.tasks_calendar import session_reminders_task
from mentorship.tests.factories import MentorSessionFactory, MentorshipFactory
from notifications.models import Notification

KIND = "mentorship.session_reminder"


def _booked(starts_in: timedelta, *, booked_ago: timedelta = timedelta(days=3), **kw):  # type: ignore[no-untyped-def]
    now = timezone.now()
    mentor = UserFactory(name="Meera Mentor", timezone="Asia/Kolkata")
    mentee = UserFactory(name="Sam Student", timezone="America/New_York")
    session = MentorSessionFactory(
        mentorship=MentorshipFactory(mentor=mentor, mentee=mentee),
        starts_at=now + starts_in,
        ends_at=now + starts_in + timedelta(hours=1),
        **kw,
    )
    MentorSession.objects.filter(pk=session.pk).update(created_at=now - booked_ago)
    return session


def _reminders(session: MentorSession) -> list[tuple[int, str]]:
    return sorted(
        (n.recipient_id, n.data["which"])
        for n in Notification.objects.filter(kind=KIND, data__session_id=session.pk)
    )


@pytest.mark.django_db
def test_session_reminders_send_day_reminder_to_both_once() -> None:
    session = _booked(timedelta(hours=20))

    first = session_reminders_send()
    second = session_reminders_send()

    assert (first.day, first.soon) == (1, 0)
    assert (second.day, second.soon) == (0, 0)
    assert _reminders(session) == sorted([(session.mentor_id, "day"), (session.mentee_id, "day")])
    session.refresh_from_db()
    assert session.reminded_day_at is not None and session.reminded_soon_at is None


@pytest.mark.django_db
def test_session_reminders_send_soon_after_day_each_once() -> None:
    session = _booked(timedelta(hours=20))
    now = timezone.now()
    session_reminders_send(now=now)

    later = session.starts_at - timedelta(minutes=10)
    report = session_reminders_send(now=later)
    again = session_reminders_send(now=later + timedelta(minutes=1))

    assert (report.day, report.soon) == (0, 1)
    assert (again.day, again.soon) == (0, 0)
    assert [which for _user, which in _reminders(session)].count("soon") == 2
    assert [which for _user, which in _reminders(session)].count("day") == 2


@pytest.mark.django_db
def test_session_reminders_send_booked_ten_minutes_ahead_gets_only_soon() -> None:
    session = _booked(timedelta(minutes=10), booked_ago=timedelta(minutes=1))

    report = session_reminders_send()
    # a later sweep must not send the 24-hour one either
    session_reminders_send()

    assert (report.day, report.soon) == (0, 1)
    assert _reminders(session) == sorted([(session.mentor_id, "soon"), (session.mentee_id, "soon")])


@pytest.mark.django_db
def test_session_reminders_send_booked_inside_the_day_gets_no_day_reminder() -> None:
    session = _booked(timedelta(hours=5), booked_ago=timedelta(hours=1))
    assert session_reminders_send().day == 0
    assert _reminders(session) == []


@pytest.mark.django_db
def test_session_reminders_send_skips_cancelled_far_and_past_sessions() -> None:
    cancelled = _booked(timedelta(hours=3), status=MentorSession.Status.CANCELLED)
    far = _booked(timedelta(days=3))
    started = _booked(-timedelta(minutes=5))

    report = session_reminders_send()

    assert (report.day, report.soon) == (0, 0)
    for session in (cancelled, far, started):
        assert _reminders(session) == []


@pytest.mark.django_db
def test_session_reminder_text_in_each_persons_time_zone() -> None:
    session = _booked(timedelta(hours=20))
    session_reminders_send()
    to_mentee = Notification.objects.get(kind=KIND, recipient=session.mentee)
    to_mentor = Notification.objects.get(kind=KIND, recipient=session.mentor)
    assert to_mentee.data["zone"] == "America/New_York"
    assert to_mentor.data["zone"] == "Asia/Kolkata"
    assert "Meera Mentor" in to_mentee.title and "Coming up" in to_mentee.title
    assert "America/New_York" in to_mentee.body
    assert to_mentee.url.endswith(f"/sessions/{session.pk}/")


@pytest.mark.django_db
def test_session_reminders_task_reports_counts() -> None:
    _booked(timedelta(hours=20))
    _booked(timedelta(minutes=5))
    assert session_reminders_task.delay().get() == {"day": 1, "soon": 1}


def test_session_reminders_beat_entry_every_minute() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["mentorship-session-reminders"]
    assert entry["task"] == session_reminders_task.name
    assert entry["schedule"] <= 300


@pytest.mark.django_db(transaction=True)
def test_session_reminders_send_concurrent_sweeps_remind_once(postgresql_only) -> None:
    sessions = [_booked(timedelta(minutes=12)) for _ in range(5)]
    sessions += [_booked(timedelta(hours=12)) for _ in range(5)]
    barrier = threading.Barrier(2)
    reports, failures = [], []

    def sweep() -> None:
        try:
            barrier.wait(timeout=10)
            reports.append(session_reminders_send())
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert sum(r.soon for r in reports) == 5
    assert sum(r.day for r in reports) == 5
    assert Notification.objects.filter(kind=KIND).count() == 20
