"""Booking, cancelling and rescheduling: the rules, the signals and both people told."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from kalpla.exceptions import Conflict, PermissionDenied, ValidationError
from mentorship.models import MentorSession, Mentorship
from mentorship.services.booking import session_book, session_cancel, session_reschedule
from mentorship.signals import session_booked, session_changed
from mentorship.tests.factories import (
    AvailabilityRuleFactory,
    MentorProfileFactory,
    MentorSessionFactory,
    MentorshipFactory,
)
from notifications.models import Notification

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 2, 1, 6, tzinfo=UTC)  # a Monday, 06:00 UTC


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _mentorship(**profile: object) -> Mentorship:
    """A UTC mentor open every day 09:00-17:00 from 2027, in an active mentorship."""
    options = {"horizon_days": 60, "slot_step_minutes": 30, "session_lengths": [30, 60]}
    options.update(profile)
    mentor = MentorProfileFactory(**options)
    AvailabilityRuleFactory(
        mentor=mentor,
        rrule="FREQ=DAILY",
        start_time=time(9),
        end_time=time(17),
        valid_from=date(2027, 1, 1),
    )
    return MentorshipFactory(mentor=mentor.user)


def test_session_book_books_a_free_slot_for_the_mentee_and_tells_both(
    django_capture_on_commit_callbacks,
):
    mentorship = _mentorship()
    seen = []
    session_booked.connect(lambda **kw: seen.append(kw), weak=False, dispatch_uid="t-booked")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            session = session_book(
                mentorship=mentorship,
                by=mentorship.mentee,
                starts_at=utc(2027, 2, 2, 10),
                length_minutes=60,
                agenda="My portfolio",
                now=NOW,
            )
    finally:
        session_booked.disconnect(dispatch_uid="t-booked")
    assert session.status == "booked" and session.ends_at == utc(2027, 2, 2, 11)
    assert session.mentor_id == mentorship.mentor_id and session.booked_by == mentorship.mentee
    assert seen and seen[0]["session"].pk == session.pk
    told = Notification.objects.filter(kind="mentorship.session_booked")
    assert set(told.values_list("recipient_id", flat=True)) == {
        mentorship.mentor_id,
        mentorship.mentee_id,
    }


def test_session_book_writes_times_in_each_recipients_zone(django_capture_on_commit_callbacks):
    mentorship = _mentorship()
    mentorship.mentee.timezone = "Asia/Kolkata"
    mentorship.mentee.save(update_fields=["timezone"])
    with django_capture_on_commit_callbacks(execute=True):
        session_book(
            mentorship=mentorship,
            by=mentorship.mentor,
            starts_at=utc(2027, 2, 2, 10),
            length_minutes=30,
            now=NOW,
        )
    mentee_note = Notification.objects.get(recipient=mentorship.mentee)
    assert "15:30" in mentee_note.title and "Asia/Kolkata" in mentee_note.body


def test_session_book_refuses_a_length_the_mentor_does_not_offer():
    mentorship = _mentorship()
    with pytest.raises(ValidationError) as caught:
        session_book(
            mentorship=mentorship,
            by=mentorship.mentee,
            starts_at=utc(2027, 2, 2, 10),
            length_minutes=45,
            now=NOW,
        )
    assert caught.value.code == "length_not_offered" and "length_minutes" in caught.value.errors


def test_session_book_refuses_an_inactive_mentorship():
    mentorship = _mentorship()
    mentorship.status = Mentorship.Status.PAUSED
    mentorship.save(update_fields=["status"])
    with pytest.raises(Conflict) as caught:
        session_book(
            mentorship=mentorship,
            by=mentorship.mentee,
            starts_at=utc(2027, 2, 2, 10),
            length_minutes=60,
            now=NOW,
        )
    assert caught.value.code == "mentorship_not_active"


def test_session_book_refuses_someone_outside_the_mentorship():
    mentorship = _mentorship()
    with pytest.raises(PermissionDenied):
        session_book(
            mentorship=mentorship,
            by=UserFactory(),
            starts_at=utc(2027, 2, 2, 10),
            length_minutes=60,
            now=NOW,
        )


@pytest.mark.parametrize(
    "starts_at",
    [
        utc(2027, 2, 1, 7),  # before the open hours
        utc(2027, 2, 2, 10, 10),  # not on the half-hour grid
        utc(2027, 2, 2, 16, 30),  # runs past 17:00
        utc(2027, 5, 2, 10),  # beyond the 60-day horizon
    ],
)
def test_session_book_refuses_a_time_that_is_not_an_offered_slot(starts_at):
    mentorship = _mentorship()
    with pytest.raises(Conflict) as caught:
        session_book(
            mentorship=mentorship,
            by=mentorship.mentee,
            starts_at=starts_at,
            length_minutes=60,
            now=NOW,
        )
    assert caught.value.code == "slot_taken"


def test_session_book_applies_minimum_notice():
    mentorship = _mentorship(min_notice_minutes=24 * 60)
    with pytest.raises(Conflict):
        session_book(
            mentorship=mentorship,
            by=mentorship.mentee,
            starts_at=utc(2027, 2, 1, 16),
            length_minutes=60,
            now=NOW,
        )
    assert session_book(
        mentorship=mentorship,
        by=mentorship.mentee,
        starts_at=utc(2027, 2, 2, 9),
        length_minutes=60,
        now=NOW,
    ).pk


def test_session_book_keeps_the_buffer_and_the_daily_cap():
    mentorship = _mentorship(buffer_minutes=30, max_sessions_per_day=2)
    book = lambda hour, minute=0: session_book(  # noqa: E731
        mentorship=mentorship,
        by=mentorship.mentee,
        starts_at=utc(2027, 2, 2, hour, minute),
        length_minutes=60,
        now=NOW,
    )
    book(10)
    with pytest.raises(Conflict):
        book(11)  # inside the 30-minute buffer after 11:00
    book(11, 30)
    with pytest.raises(Conflict):
        book(15)  # the third of the day


def test_session_book_refuses_a_slot_someone_else_booked():
    mentorship = _mentorship()
    other = MentorshipFactory(mentor=mentorship.mentor)
    session_book(
        mentorship=other, by=other.mentee, starts_at=utc(2027, 2, 2, 10), length_minutes=60, now=NOW
    )
    with pytest.raises(Conflict) as caught:
        session_book(
            mentorship=mentorship,
            by=mentorship.mentee,
            starts_at=utc(2027, 2, 2, 10, 30),
            length_minutes=30,
            now=NOW,
        )
    assert caught.value.code == "slot_taken" and "starts_at" in caught.value.errors


def test_session_book_refuses_a_time_the_mentee_is_busy_with_another_mentor():
    mentorship = _mentorship()
    elsewhere = _mentorship()
    elsewhere.mentee = mentorship.mentee
    elsewhere.save(update_fields=["mentee"])
    session_book(
        mentorship=elsewhere,
        by=mentorship.mentee,
        starts_at=utc(2027, 2, 2, 10),
        length_minutes=60,
        now=NOW,
    )
    with pytest.raises(Conflict):
        session_book(
            mentorship=mentorship,
            by=mentorship.mentee,
            starts_at=utc(2027, 2, 2, 10),
            length_minutes=60,
            now=NOW,
        )


def test_session_book_exclusion_constraint_is_the_last_guard(postgresql_only):
    # a row inserted behind the service's back (no lock, no check): the database refuses
    mentorship = _mentorship()
    MentorSessionFactory(
        mentorship=mentorship, starts_at=utc(2027, 2, 2, 10), ends_at=utc(2027, 2, 2, 11)
    )
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MentorSessionFactory(
            mentorship=mentorship, starts_at=utc(2027, 2, 2, 10, 30), ends_at=utc(2027, 2, 2, 11)
        )
    assert connection.vendor == "postgresql"


def _booked(mentorship: Mentorship, start: datetime) -> MentorSession:
    return session_book(
        mentorship=mentorship, by=mentorship.mentee, starts_at=start, length_minutes=60, now=NOW
    )


def test_session_cancel_by_the_mentee_before_the_window(django_capture_on_commit_callbacks):
    mentorship = _mentorship(cancel_window_hours=12)
    session = _booked(mentorship, utc(2027, 2, 3, 10))
    changes = []
    session_changed.connect(lambda **kw: changes.append(kw), weak=False, dispatch_uid="t-chg")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            cancelled = session_cancel(session=session, by=mentorship.mentee, reason="Ill", now=NOW)
    finally:
        session_changed.disconnect(dispatch_uid="t-chg")
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "Ill"
    assert cancelled.ical_sequence == 1 and cancelled.cancelled_by == mentorship.mentee
    assert changes[0]["change"] == "cancelled"
    told = Notification.objects.filter(kind="mentorship.session_cancelled")
    assert told.count() == 2


def test_session_cancel_inside_the_window_is_the_mentors_only():
    mentorship = _mentorship(cancel_window_hours=12)
    session = _booked(mentorship, utc(2027, 2, 1, 15))
    with pytest.raises(Conflict) as caught:
        session_cancel(session=session, by=mentorship.mentee, now=NOW)
    assert caught.value.code == "cancel_window_passed"
    assert session_cancel(session=session, by=mentorship.mentor, now=NOW).status == "cancelled"


def test_session_cancel_refuses_a_started_or_cancelled_session_and_outsiders():
    mentorship = _mentorship()
    session = _booked(mentorship, utc(2027, 2, 3, 10))
    with pytest.raises(PermissionDenied):
        session_cancel(session=session, by=UserFactory(), now=NOW)
    with pytest.raises(Conflict) as started:
        session_cancel(session=session, by=mentorship.mentor, now=utc(2027, 2, 3, 10, 5))
    assert started.value.code == "session_started"
    session_cancel(session=session, by=mentorship.mentor, now=NOW)
    with pytest.raises(Conflict) as again:
        session_cancel(session=session, by=mentorship.mentor, now=NOW)
    assert again.value.code == "session_not_booked"


def test_session_reschedule_moves_the_booking_and_links_both(django_capture_on_commit_callbacks):
    mentorship = _mentorship()
    old = _booked(mentorship, utc(2027, 2, 3, 10))
    with django_capture_on_commit_callbacks(execute=True):
        # a nearby time overlapping the old one is fine: the old one gives way
        new = session_reschedule(
            session=old, by=mentorship.mentee, starts_at=utc(2027, 2, 3, 10, 30), now=NOW
        )
    old.refresh_from_db()
    assert old.status == "cancelled" and old.ical_sequence == 1
    assert new.rescheduled_from == old and list(old.rescheduled_to.all()) == [new]
    assert new.ends_at - new.starts_at == timedelta(hours=1) and new.agenda == old.agenda
    told = Notification.objects.filter(kind="mentorship.session_rescheduled")
    assert told.count() == 2 and "from" in told.first().body


def test_session_reschedule_to_a_taken_slot_leaves_the_old_booking(db):
    mentorship = _mentorship()
    old = _booked(mentorship, utc(2027, 2, 3, 10))
    other = MentorshipFactory(mentor=mentorship.mentor)
    _booked(other, utc(2027, 2, 4, 10))
    with pytest.raises(Conflict):
        session_reschedule(
            session=old, by=mentorship.mentee, starts_at=utc(2027, 2, 4, 10), now=NOW
        )
    old.refresh_from_db()
    assert old.status == "booked" and old.ical_sequence == 0


def test_session_reschedule_inside_the_window_is_the_mentors_only():
    mentorship = _mentorship(reschedule_window_hours=48)
    old = _booked(mentorship, utc(2027, 2, 2, 10))
    with pytest.raises(Conflict) as caught:
        session_reschedule(
            session=old, by=mentorship.mentee, starts_at=utc(2027, 2, 5, 10), now=NOW
        )
    assert caught.value.code == "reschedule_window_passed"
    moved = session_reschedule(
        session=old, by=mentorship.mentor, starts_at=utc(2027, 2, 5, 10), now=NOW
    )
    assert moved.starts_at == utc(2027, 2, 5, 10)


@pytest.mark.parametrize("language", ["en", "hi"])
def test_session_notices_are_whole_sentences_in_each_language(language):
    from mentorship.services.booking_notices import session_notify
    from notifications.models import Notification
    from notifications.services.email import notification_email_render, recipient_locale

    session = MentorSessionFactory()
    session.mentee.language = language
    session.mentee.save(update_fields=["language"])
    assert session_notify(session_id=session.pk, change="booked") == 2
    note = Notification.objects.get(recipient=session.mentee, kind="mentorship.session_booked")
    with recipient_locale(session.mentee):
        email = notification_email_render(note, session.mentee)
    # booked by the mentee: they read that they booked it, with the mentor, in one sentence
    expected = {
        "en": f"You booked a 60-minute mentoring session with {session.mentor.display_name} on",
        "hi": f"आपने {session.mentor.display_name} के साथ",
    }[language]
    assert expected in email.text
