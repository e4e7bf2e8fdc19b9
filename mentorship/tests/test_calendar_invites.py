"""Invites: the iCalendar of one session (parsed back with icalendar) and the emails that
carry it on booking, cancellation and reschedule."""

from datetime import UTC, datetime, timedelta
from email.message import Message

import pytest
from django.db.models import F
from django.utils import timezone
from icalendar import Calendar

from accounts.tests.factories import UserFactory
from mentorship.ical import session_invite_ics
from mentorship.models import MentorSession
from mentorship.receivers_calendar import session_invite_queue
from mentorship.services.calendar import session_invite_send
from mentorship.signals import session_booked, session_changed
from mentorship.tests.factories import MentorSessionFactory
from notifications.services.suppression import suppression_add

pytestmark = pytest.mark.django_db


def _session(**kwargs: object) -> MentorSession:
    mentor = UserFactory(name="Meera Mentor", email="meera@example.com", timezone="Asia/Kolkata")
    mentee = UserFactory(name="Sam Student", email="sam@example.com", timezone="America/New_York")
    from mentorship.tests.factories import MentorshipFactory

    mentorship = MentorshipFactory(mentor=mentor, mentee=mentee)
    start = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)
    defaults = {"starts_at": start, "ends_at": start + timedelta(hours=1), "agenda": "CV review"}
    return MentorSessionFactory(mentorship=mentorship, **{**defaults, **kwargs})


def _event(ics: bytes):  # type: ignore[no-untyped-def]
    cal = Calendar.from_ical(ics)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return cal, events[0]


def _calendar_parts(message) -> list[Message]:  # type: ignore[no-untyped-def]
    return [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]


def test_session_invite_ics_request_has_identity_times_people_and_alarm() -> None:
    session = _session()

    cal, event = _event(session_invite_ics(session=session, method="REQUEST"))

    assert cal["METHOD"] == "REQUEST"
    assert cal["VERSION"] == "2.0"
    assert str(event["UID"]) == session.ical_uid
    assert int(event["SEQUENCE"]) == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == datetime(2030, 3, 4, 10, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2030, 3, 4, 11, 0, tzinfo=UTC)
    assert event["DTSTART"].to_ical().endswith(b"Z")  # UTC, no TZID
    assert event["DTSTAMP"].to_ical().endswith(b"Z")
    assert str(event["SUMMARY"]) == "Mentoring: Meera Mentor and Sam Student"
    assert "CV review" in str(event["DESCRIPTION"])
    assert f"/mentoring/sessions/{session.pk}/" in str(event["DESCRIPTION"])
    assert str(event["URL"]).startswith("http")
    assert str(event["ORGANIZER"]) == "mailto:meera@example.com"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {"mailto:meera@example.com", "mailto:sam@example.com"}
    assert attendees["mailto:sam@example.com"]["ROLE"] == "REQ-PARTICIPANT"
    assert attendees["mailto:sam@example.com"]["PARTSTAT"] == "ACCEPTED"
    assert attendees["mailto:meera@example.com"]["CN"] == "Meera Mentor"
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=15)
    assert alarm["ACTION"] == "DISPLAY"


def test_session_invite_ics_cancel_is_cancelled_with_same_uid() -> None:
    session = _session(ical_sequence=2)

    cal, event = _event(session_invite_ics(session=session, method="CANCEL"))

    assert cal["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == session.ical_uid
    assert int(event["SEQUENCE"]) == 2
    assert len(event["ATTENDEE"]) == 2


def test_session_invite_ics_unknown_method_refused() -> None:
    with pytest.raises(ValueError, match="method"):
        session_invite_ics(session=_session(), method="PUBLISH")


def test_session_booked_emails_both_people_a_request(
    mailoutbox, django_capture_on_commit_callbacks
) -> None:
    session = _session()

    with django_capture_on_commit_callbacks(execute=True):
        session_booked.send(sender=MentorSession, session=session, by=session.mentee)

    assert sorted(m.to[0] for m in mailoutbox) == ["meera@example.com", "sam@example.com"]
    for message in mailoutbox:
        [part] = _calendar_parts(message)
        assert part.get_param("method") == "REQUEST"
        assert part.get_filename() == "invite.ics"
        cal, event = _event(part.get_payload(decode=True))
        assert cal["METHOD"] == "REQUEST"
        assert str(event["UID"]) == session.ical_uid
    to_sam = next(m for m in mailoutbox if m.to == ["sam@example.com"])
    # each person reads the time in their own zone: 10:00 UTC is 05:00 in New York
    assert "05:00" in to_sam.body and "America/New_York" in to_sam.body
    assert "Meera Mentor" in to_sam.subject


def test_session_cancelled_sends_cancel_with_higher_sequence(
    mailoutbox, django_capture_on_commit_callbacks
) -> None:
    session = _session()
    with django_capture_on_commit_callbacks(execute=True):
        session_booked.send(sender=MentorSession, session=session, by=session.mentee)
    [request] = _calendar_parts(mailoutbox[0])
    _cal, requested = _event(request.get_payload(decode=True))
    mailoutbox.clear()

    # as session_cancel does: cancelled, SEQUENCE raised
    MentorSession.objects.filter(pk=session.pk).update(
        status=MentorSession.Status.CANCELLED,
        cancelled_at=timezone.now(),
        ical_sequence=F("ical_sequence") + 1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        session_changed.send(
            sender=MentorSession, session=session, by=session.mentee, change="cancelled"
        )

    assert len(mailoutbox) == 2
    [part] = _calendar_parts(mailoutbox[0])
    assert part.get_param("method") == "CANCEL"
    cal, event = _event(part.get_payload(decode=True))
    assert cal["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == str(requested["UID"])
    assert int(event["SEQUENCE"]) > int(requested["SEQUENCE"])
    assert "Cancelled" in mailoutbox[0].subject


def test_session_rescheduled_cancels_old_uid_and_invites_new(
    mailoutbox, django_capture_on_commit_callbacks
) -> None:
    old = _session()
    new = MentorSessionFactory(
        mentorship=old.mentorship,
        starts_at=old.starts_at + timedelta(days=1),
        ends_at=old.ends_at + timedelta(days=1),
        rescheduled_from=old,
    )
    MentorSession.objects.filter(pk=old.pk).update(
        status=MentorSession.Status.CANCELLED, ical_sequence=F("ical_sequence") + 1
    )

    # booking's order: the new session is booked, the old one reported as rescheduled
    with django_capture_on_commit_callbacks(execute=True):
        session_booked.send(sender=MentorSession, session=new, by=old.mentee)
        session_changed.send(
            sender=MentorSession, session=old, by=old.mentee, change="rescheduled", new_session=new
        )

    by_uid: dict[str, list[tuple[str, int]]] = {}
    for message in mailoutbox:
        [part] = _calendar_parts(message)
        cal, event = _event(part.get_payload(decode=True))
        by_uid.setdefault(str(event["UID"]), []).append((cal["METHOD"], int(event["SEQUENCE"])))
    assert sorted(by_uid[new.ical_uid]) == [("REQUEST", 0), ("REQUEST", 0)]
    assert sorted(by_uid[old.ical_uid]) == [("CANCEL", 1), ("CANCEL", 1)]


def test_session_changed_completed_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
) -> None:
    session = _session()
    with django_capture_on_commit_callbacks(execute=True):
        session_changed.send(
            sender=MentorSession, session=session, by=session.mentor, change="completed"
        )
    assert mailoutbox == []
    session.refresh_from_db()
    assert session.ical_sequence == 0


def test_session_invite_send_skips_deactivated_and_suppressed(mailoutbox) -> None:
    session = _session()
    session.mentor.is_active = False
    session.mentor.save(update_fields=["is_active"])
    assert session_invite_send(session_id=session.pk, method="REQUEST") == 1
    assert [m.to for m in mailoutbox] == [["sam@example.com"]]

    suppression_add(email="SAM@example.com")
    assert session_invite_send(session_id=session.pk, method="REQUEST") == 0


def test_session_invite_send_no_request_for_cancelled_session(mailoutbox) -> None:
    session = _session(status=MentorSession.Status.CANCELLED)
    assert session_invite_send(session_id=session.pk, method="REQUEST") == 0
    assert session_invite_send(session_id=session.pk, method="CANCEL") == 2
    assert session_invite_send(session_id=-1, method="CANCEL") == 0


def test_session_invite_queue_sends_the_sessions_sequence_once_committed(
    mailoutbox, django_capture_on_commit_callbacks
) -> None:
    session = _session()
    MentorSession.objects.filter(pk=session.pk).update(ical_sequence=1)  # changed once
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        session_invite_queue(session_id=session.pk, method="REQUEST")
    assert mailoutbox == []  # nothing before commit
    assert len(callbacks) == 1
    callbacks[0]()
    [part] = _calendar_parts(mailoutbox[0])
    _cal, event = _event(part.get_payload(decode=True))
    assert int(event["SEQUENCE"]) == 1
